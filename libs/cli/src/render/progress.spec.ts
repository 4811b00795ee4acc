import { ASCII_BAR, ProgressReporter, clampFraction, renderProgressBar } from './progress';

describe('renderProgressBar', () => {
  it('fills whole cells for the fraction done, with the percentage, label and elapsed time', () => {
    expect(renderProgressBar(0.4, { width: 10, chars: ASCII_BAR, label: 'trial 3 of 8', elapsedMs: 12_300 })).toBe('[####------]  40% trial 3 of 8 (12.3s)');
    expect(renderProgressBar(0, { width: 4, chars: ASCII_BAR })).toBe('[----]   0%');
    expect(renderProgressBar(1, { width: 4, chars: ASCII_BAR })).toBe('[####] 100%');
  });

  it('floors, so a bar shows 100% only when it is done', () => {
    expect(renderProgressBar(0.999, { width: 10, chars: ASCII_BAR })).toBe('[#########-]  99%');
  });

  it('clamps what is out of range or not a number', () => {
    expect(clampFraction(1.7)).toBe(1);
    expect(clampFraction(-0.2)).toBe(0);
    expect(clampFraction(Number.NaN)).toBe(0);
    expect(renderProgressBar(Number.POSITIVE_INFINITY, { width: 2, chars: ASCII_BAR })).toBe('[--]   0%');
  });

  it('uses block characters by default', () => {
    expect(renderProgressBar(0.5, { width: 4 })).toBe('[██░░]  50%');
  });
});

describe('ProgressReporter', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, isTTY, write: (text: string) => void writes.push(text) };
  };

  it('redraws one line on a terminal and ends it on finish', () => {
    const s = stream(true);
    const reporter = new ProgressReporter(s, { width: 4, chars: ASCII_BAR });
    reporter.update(0.25, 'a');
    reporter.update(0.5, 'a');
    reporter.log('queued → running');
    reporter.update(1, 'b');
    reporter.finish();
    expect(s.writes).toEqual(['\r[#---]  25% a\x1b[K', '\r[##--]  50% a\x1b[K', '\r\x1b[K', 'queued → running\n', '\r[####] 100% b\x1b[K', '\n']);
  });

  it('prints a line per stage, not per update, when the stream is not a terminal', () => {
    const s = stream(false);
    const reporter = new ProgressReporter(s, { width: 4, chars: ASCII_BAR });
    reporter.update(0.25, 'trial 1 of 2');
    reporter.update(0.3, 'trial 1 of 2');
    reporter.update(0.5, 'trial 2 of 2');
    reporter.finish();
    expect(s.writes).toEqual(['[#---]  25% trial 1 of 2\n', '[##--]  50% trial 2 of 2\n']);
  });
});
