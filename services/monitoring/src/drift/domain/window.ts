/** One served row, as monitoring keeps it. */
export interface ObservedRow {
  features: Record<string, number>;
  prediction: number;
  servedAtMs: number;
}

/**
 * The most recent `capacity` rows of a model's traffic (a ring buffer), and how many arrived
 * since the last evaluation.
 */
export class RowWindow {
  private readonly rows: ObservedRow[] = [];
  private next = 0;
  sinceEvaluation = 0;

  constructor(public capacity: number) {}

  get size(): number {
    return this.rows.length;
  }

  push(row: ObservedRow): void {
    this.sinceEvaluation++;
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
      return;
    }
    this.rows[this.next] = row;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A changed capacity keeps the newest rows. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    const ordered = this.ordered().slice(-capacity);
    this.rows.length = 0;
    this.rows.push(...ordered);
    this.next = 0;
    this.capacity = capacity;
  }

  /** Rows oldest first. */
  ordered(): ObservedRow[] {
    return this.rows.length < this.capacity ? [...this.rows] : [...this.rows.slice(this.next), ...this.rows.slice(0, this.next)];
  }

  /** The rows served at or after `fromMs`, as a window of their own. */
  since(fromMs: number): RowWindow {
    const recent = new RowWindow(this.capacity);
    for (const row of this.ordered()) if (row.servedAtMs >= fromMs) recent.push(row);
    recent.sinceEvaluation = 0;
    return recent;
  }

  column(feature: string): number[] {
    const out: number[] = [];
    for (const row of this.rows) {
      const v = row.features[feature];
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  predictions(): number[] {
    return this.rows.map((r) => r.prediction);
  }

  span(): { fromMs: number; toMs: number } {
    let fromMs = Infinity;
    let toMs = 0;
    for (const r of this.rows) {
      fromMs = Math.min(fromMs, r.servedAtMs);
      toMs = Math.max(toMs, r.servedAtMs);
    }
    return { fromMs: Number.isFinite(fromMs) ? fromMs : 0, toMs };
  }
}
