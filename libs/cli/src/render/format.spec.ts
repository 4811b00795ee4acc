import { enumLabel, formatClock, formatDateTime, formatDuration, formatMap, formatNumber, formatPercent } from './format';

describe('formatters', () => {
  it('formats durations at a precision people read', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(59_999)).toBe('59.9s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000 + 30_000)).toBe('2h07m');
    expect(formatDuration(-1500)).toBe('-1.5s');
  });

  it('formats times in UTC when asked', () => {
    const t = Date.UTC(2026, 10, 29, 10, 2, 3, 45);
    expect(formatClock(t, { utc: true })).toBe('10:02:03.045');
    expect(formatDateTime(t, { utc: true })).toBe('2026-11-29 10:02:03');
    expect(formatDateTime(0)).toBe('');
  });

  it('formats numbers, shares, maps and enum names', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(1e-7)).toBe('1.000e-7');
    expect(formatPercent(0.375)).toBe('37.5%');
    expect(formatMap({ roc_auc: 0.9312, accuracy: 0.9 }, 1)).toBe('accuracy=0.9, …');
    expect(enumLabel('DEPLOYMENT_STATE_ROLLED_BACK', 'DEPLOYMENT_STATE_')).toBe('rolled_back');
  });
});
