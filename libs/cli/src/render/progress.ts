import { formatDuration } from './format';

export interface ProgressBarOptions {
  /** Cells inside the brackets. */
  width?: number;
  /** Text after the percentage, e.g. "trial 3 of 8". */
  label?: string;
  /** Shown in parentheses after the label. */
  elapsedMs?: number;
  /** Characters of the done and the remaining part (ASCII when the terminal may not do Unicode). */
  chars?: { done: string; todo: string };
}

export const UNICODE_BAR = { done: '█', todo: '░' };
export const ASCII_BAR = { done: '#', todo: '-' };

/** Clamps a fraction to [0, 1]; anything not a number counts as no progress. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/** `[████░░░░░░]  40% trial 3 of 8 (12.3s)`: cells are floored, so 100% shows only when done. */
export function renderProgressBar(fraction: number, options: ProgressBarOptions = {}): string {
  const { width = 30, chars = UNICODE_BAR } = options;
  const f = clampFraction(fraction);
  const done = Math.floor(f * width);
  const percent = `${Math.floor(f * 100)}%`.padStart(4);
  const bar = `[${chars.done.repeat(done)}${chars.todo.repeat(width - done)}] ${percent}`;
  const label = options.label ? ` ${options.label}` : '';
  const elapsed = options.elapsedMs !== undefined ? ` (${formatDuration(options.elapsedMs)})` : '';
  return bar + label + elapsed;
}

/** Where a progress display writes: a TTY redraws one line, anything else gets one line per change. */
export interface ProgressStream {
  write(text: string): void;
  isTTY?: boolean;
}

/**
 * A progress bar on a stream. On a terminal it redraws in place; in a pipe or a log it prints a
 * line only when the label (the stage) changes, so logs are not flooded with redraws.
 */
export class ProgressReporter {
  private lastLabel?: string;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: Omit<ProgressBarOptions, 'label' | 'elapsedMs'> = {},
  ) {}

  update(fraction: number, label: string, elapsedMs?: number): void {
    const line = renderProgressBar(fraction, { ...this.options, label, elapsedMs });
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else if (label !== this.lastLabel) {
      this.stream.write(`${line}\n`);
    }
    this.lastLabel = label;
  }

  /** Prints a line above the bar (e.g. a state change) without breaking the redraw. */
  log(text: string): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    this.drawn = false;
  }

  /** Ends the redrawn line so later output starts on a fresh one. */
  finish(): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
