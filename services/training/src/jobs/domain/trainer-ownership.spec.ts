import { trainedExternally } from './trainer-ownership';

describe('trainedExternally', () => {
  it('is true only for a model tagged mlops.trainer=external (any case, spaces trimmed)', () => {
    expect(trainedExternally({ 'mlops.trainer': 'external' })).toBe(true);
    expect(trainedExternally({ 'mlops.trainer': ' External ' })).toBe(true);
    expect(trainedExternally({ 'mlops.trainer': 'platform' })).toBe(false);
    expect(trainedExternally({ trainer: 'external' })).toBe(false);
    expect(trainedExternally({})).toBe(false);
    expect(trainedExternally(undefined)).toBe(false);
  });
});
