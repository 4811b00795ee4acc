import type { LabelledPrediction } from './label-join';

/** The most recent `capacity` labelled predictions of a model, and how many arrived since the last evaluation. */
export class LabelledWindow {
  private rows: LabelledPrediction[] = [];
  private next = 0;
  sinceEvaluation = 0;

  constructor(public capacity: number) {}

  get size(): number {
    return this.rows.length;
  }

  push(row: LabelledPrediction): void {
    this.sinceEvaluation++;
    if (this.rows.length < this.capacity) this.rows.push(row);
    else {
      this.rows[this.next] = row;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** A changed capacity keeps the newest rows. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    this.rows = this.ordered().slice(-capacity);
    this.next = 0;
    this.capacity = capacity;
  }

  /** Forgets everything (the production version changed: its predictions are judged afresh). */
  clear(): void {
    this.rows = [];
    this.next = 0;
    this.sinceEvaluation = 0;
  }

  ordered(): LabelledPrediction[] {
    return this.rows.length < this.capacity ? [...this.rows] : [...this.rows.slice(this.next), ...this.rows.slice(0, this.next)];
  }
}
