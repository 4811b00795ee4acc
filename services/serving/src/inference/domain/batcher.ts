import type { Tensor, TensorData } from './tensors';

/** Runs one merged batch: inputs by name → outputs by name (first dimension = rows). */
export type RunBatch = (inputs: Tensor[]) => Promise<Record<string, BatchOutput>>;

export interface BatchOutput {
  type: string;
  dims: readonly number[];
  data: TensorData | Uint8Array;
}

export interface BatchPolicy {
  /** Rows per merged run, at most. */
  maxBatchSize: number;
  /** How long a request may wait for others while a run is in flight. */
  maxQueueDelayMs: number;
}

interface Pending {
  inputs: Tensor[];
  rows: number;
  resolve: (outputs: Record<string, BatchOutput>) => void;
  reject: (error: unknown) => void;
}

/**
 * Adaptive batching for one model version. When the model is idle a request runs at once (no
 * added latency at low load); while a run is in flight, requests queue and are merged along the
 * first dimension into one run, up to `maxBatchSize` rows, when the run in flight ends or
 * `maxQueueDelayMs` passes, whichever comes first. Each caller gets back its own rows.
 */
export class AdaptiveBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly run: RunBatch,
    private readonly policy: BatchPolicy,
    /** Called with the rows and requests of every run (metrics). */
    private readonly onRun?: (rows: number, requests: number) => void,
  ) {}

  infer(inputs: Tensor[]): Promise<Record<string, BatchOutput>> {
    const rows = inputs[0]?.shape[0] ?? 0;
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, rows, resolve, reject });
      this.queuedRows += rows;
      if (this.inFlight === 0 || this.queuedRows >= this.policy.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.policy.maxQueueDelayMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let rows = 0;
      while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0].rows <= this.policy.maxBatchSize)) {
        const next = this.queue.shift()!;
        batch.push(next);
        rows += next.rows;
      }
      this.queuedRows -= rows;
      void this.execute(batch, rows);
    }
  }

  private async execute(batch: Pending[], rows: number): Promise<void> {
    this.inFlight++;
    this.onRun?.(rows, batch.length);
    try {
      const outputs = batch.length === 1 ? await this.run(batch[0].inputs) : await this.run(merge(batch.map((p) => p.inputs), rows));
      if (batch.length === 1) batch[0].resolve(outputs);
      else split(outputs, batch.map((p) => p.rows)).forEach((o, i) => batch[i].resolve(o));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.flush();
    }
  }
}

/** Concatenates the requests' inputs along the first dimension. */
function merge(requests: Tensor[][], rows: number): Tensor[] {
  return requests[0].map((first) => {
    const parts = requests.map((inputs) => inputs.find((t) => t.name === first.name)!.data);
    return { ...first, shape: [rows, ...first.shape.slice(1)], data: concat(parts) };
  });
}

function concat(parts: TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return (parts as (boolean[] | string[])[]).flat() as TensorData;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const Ctor = (parts[0] as Float32Array).constructor as new (n: number) => Float32Array;
  const out = new Ctor(total);
  let offset = 0;
  for (const part of parts as Float32Array[]) {
    out.set(part, offset);
    offset += part.length;
  }
  return out as unknown as TensorData;
}

/** Gives each request its own rows of every output. */
function split(outputs: Record<string, BatchOutput>, rows: number[]): Record<string, BatchOutput>[] {
  const total = rows.reduce((n, r) => n + r, 0);
  const results = rows.map(() => ({}) as Record<string, BatchOutput>);
  for (const [name, output] of Object.entries(outputs)) {
    const perRow = output.data.length / total;
    let start = 0;
    rows.forEach((r, i) => {
      const data = (output.data as Float32Array).slice(start * perRow, (start + r) * perRow) as unknown as TensorData;
      results[i][name] = { type: output.type, dims: [r, ...output.dims.slice(1)], data };
      start += r;
    });
  }
  return results;
}
