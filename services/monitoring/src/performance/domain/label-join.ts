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
  expired = 0;

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
      return { ...p, label: label.label };
    }
    this.expire(this.predictions, nowMs);
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
    this.expire(this.labels, nowMs);
    this.labels.set(key, { label, at: nowMs });
    return undefined;
  }

  private expire(side: Map<string, { at: number }>, nowMs: number): void {
    // Maps iterate in insertion order: the oldest entry is first.
    for (const [key, entry] of side) {
      if (side.size < this.capacity && nowMs - entry.at <= this.maxAgeMs) break;
      side.delete(key);
      this.expired++;
    }
  }
}
