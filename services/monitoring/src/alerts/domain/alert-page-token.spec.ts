import { isDomainError } from '@mlops/errors';
import { decodeAlertPageToken, encodeAlertPageToken } from './alert-page-token';

const cursor = { raisedAtUs: 1_796_418_399_899_702, alertId: '0f8fad5b-d9cb-469f-a165-70867728950e' };

function refusal(model: string, token: string): string {
  try {
    decodeAlertPageToken(model, token);
  } catch (error) {
    if (isDomainError(error) && error.kind === 'INVALID_ARGUMENT') return error.message;
    throw error;
  }
  throw new Error(`"${token}" was accepted`);
}

describe('alert page tokens', () => {
  it('give back the cursor they were made from, to microseconds, for the same model filter', () => {
    const token = encodeAlertPageToken('churn', cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAlertPageToken('churn', token)).toEqual(cursor);
    expect(decodeAlertPageToken('', encodeAlertPageToken('', cursor))).toEqual(cursor);
    expect(decodeAlertPageToken('churn', '')).toBeUndefined();
  });

  it('are refused when malformed or made for another model filter', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of ['not a token', 'abc', b64([1]), b64({ v: 2, m: 'churn', t: 1, id: cursor.alertId }), b64({ v: 1, m: 'churn', t: -1, id: cursor.alertId }), b64({ v: 1, m: 'churn', t: 1.5, id: cursor.alertId }), b64({ v: 1, m: 'churn', t: 1, id: 'x' })]) {
      expect(refusal('churn', bad)).toMatch(/^page_token ".*" is not one this service gave$/);
    }
    expect(refusal('fraud', encodeAlertPageToken('churn', cursor))).toBe('page_token was given for model_name "churn", not "fraud"');
  });
});
