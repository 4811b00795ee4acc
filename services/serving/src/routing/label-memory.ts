import type { Task } from '../deployments/domain/analysis';

export interface RememberedPrediction {
  deploymentId: string;
  task: Task;
  stable?: number;
  candidate?: number;
}

/**
 * Predictions made during deployments, by request id and row, kept until their label arrives
 * (monitoring.feedback.received.v1) so each version's accuracy can be judged. Bounded: past
 * `capacity` entries the oldest are forgotten, and their labels, if they come, count for nothing.
 */
export class LabelMemory {
  private readonly entries = new Map<string, RememberedPrediction>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  remember(requestId: string, row: number, deploymentId: string, task: Task, side: 'stable' | 'candidate', prediction: number): void {
    if (this.capacity === 0) return;
    const key = `${requestId}#${row}`;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      entry = { deploymentId, task };
      this.entries.set(key, entry);
    }
    entry[side] = prediction;
  }

  /** The predictions of a labelled row, forgotten on the way out (a repeated label counts once). */
  take(requestId: string, row: number): RememberedPrediction | undefined {
    const key = `${requestId}#${row}`;
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry;
  }
}
