/** A served prediction waiting for its label. */
export interface ServedPrediction {
  version: number;
  prediction: number;
  /** Positive-class probability of a binary classifier, when the model gives one. */
  score?: number;
  servedAtMs: number;
}

export interface LabelledPrediction extends ServedPrediction {
  label: number;
}

/**
 * Joins predictions to labels that arrive later, by request id and row. Either side may come
 * first (the prediction log and the label topic are separate streams): whichever arrives first
 * waits, for at most `maxAgeMs` and among at most `capacity` waiting entries per side; past
 * either bound the oldest are forgotten and counted as expired.
 */
export class LabelJoin {
  private readonly predictions = new Map<string, ServedPrediction & { at: number }>();
  private readonly labels = new Map<string, { label: number; at: number }>();
  /** Predictions that never met their label, and labels that never met their prediction. */
  expiredPredictions = 0;
  expiredLabels = 0;

  constructor(
    private readonly capacity: number,
    private maxAgeMs: number,
  ) {}

  get waiting(): { predictions: number; labels: number } {
    return { predictions: this.predictions.size, labels: this.labels.size };
  }

  setMaxAge(maxAgeMs: number): void {
    this.maxAgeMs = maxAgeMs;
  }

  /** A prediction; returns it labelled when its label was already waiting. */
  addPrediction(requestId: string, row: number, p: ServedPrediction, nowMs: number): LabelledPrediction | undefined {
    const key = `${requestId}#${row}`;
    const label = this.labels.get(key);
    if (label) {
      this.labels.delete(key);
      if (nowMs - label.at <= this.maxAgeMs) return { ...p, label: label.label };
      this.expiredLabels++;
    }
    this.expiredPredictions += this.expire(this.predictions, nowMs);
    this.predictions.delete(key);
    this.predictions.set(key, { ...p, at: nowMs });
    return undefined;
  }

  /** A label; returns its prediction labelled when the prediction was waiting. A repeated label counts once. */
  addLabel(requestId: string, row: number, label: number, nowMs: number): LabelledPrediction | undefined {
    const key = `${requestId}#${row}`;
    const prediction = this.predictions.get(key);
    if (prediction) {
      this.predictions.delete(key);
      const { at: _at, ...served } = prediction;
      return { ...served, label };
    }
    this.expiredLabels += this.expire(this.labels, nowMs);
    // Re-inserted so that the map stays in arrival order (the oldest first).
    this.labels.delete(key);
    this.labels.set(key, { label, at: nowMs });
    return undefined;
  }

  /** Forgets the oldest entries past the capacity or the age limit; returns how many. */
  private expire(side: Map<string, { at: number }>, nowMs: number): number {
    let expired = 0;
    // Maps iterate in insertion order: the oldest entry is first.
    for (const [key, entry] of side) {
      if (side.size < this.capacity && nowMs - entry.at <= this.maxAgeMs) break;
      side.delete(key);
      expired++;
    }
    return expired;
  }
}
