import { payloadView } from './data.service';

describe('payloadView', () => {
  it('shows a JSON producer\'s record as its text, markup and all (the page renders it as text)', () => {
    const text = '{"dataset":"<script>alert(1)</script>"}';
    expect(payloadView(Buffer.from(text).toString('base64'))).toEqual({ payload: text, payloadEncoding: 'text' });
  });

  it('keeps binary payloads (protobuf) as base64', () => {
    const bytes = Buffer.from([0x0a, 0x03, 0xff, 0xfe, 0x00, 0x01]).toString('base64');
    expect(payloadView(bytes)).toEqual({ payload: bytes, payloadEncoding: 'base64' });
  });
});
