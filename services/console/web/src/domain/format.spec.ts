import { enumLabel, escapeHtml, formatDuration, formatNumber, formatWhen } from './format';

describe('format', () => {
  it('writes durations in the unit a person reads', () => {
    expect([850, 1234, 185_000, 7_800_000].map(formatDuration)).toEqual(['850 ms', '1.2 s', '3 m 05 s', '2 h 10 m']);
    expect(formatDuration(undefined)).toBe('–');
  });

  it('keeps four significant digits', () => {
    expect([3, 0.123456, 1234.5678, 0.00001234, 2e7 + 0.5].map(formatNumber)).toEqual(['3', '0.1235', '1235', '1.234e-5', '2.000e+7']);
  });

  it('names enum values the way people say them', () => {
    expect(enumLabel('DEPLOYMENT_STATE_ROLLED_BACK', 'DEPLOYMENT_STATE_')).toBe('rolled back');
  });

  it('shows only the time of day for today', () => {
    const now = new Date(2026, 11, 4, 18, 0, 0).getTime();
    expect(formatWhen(new Date(2026, 11, 4, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatWhen(new Date(2026, 11, 1, 9, 5, 7).getTime(), now)).toBe('2026-12-01 09:05');
  });

  it('escapes everything that could start markup in a chart tooltip', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">&\'')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
  });
});
