import type { RecordOutcome } from './record-outcome';

/** The per-record results a StreamRecords answer carries at most (about 1 MB: well under gRPC's 4 MiB). */
export const MAX_STREAM_RESULTS = 10_000;

export interface StreamResult {
  index: number;
  recordId: string;
  outcome: RecordOutcome;
  rejection?: { code: string; reason: string };
}

/**
 * What a StreamRecords call answers, gathered as its messages are stored, in bounded memory: the
 * counts of the whole stream, and per-record results. While the stream has at most
 * MAX_STREAM_RESULTS records, every record's result is kept; once it has more, only the records
 * the caller must act on (rejected and duplicate ones) are kept, the first MAX_STREAM_RESULTS of
 * them, and `omitted` says how many results the answer leaves out.
 */
export class StreamSummary {
  readonly counts: Record<RecordOutcome, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  private kept: StreamResult[] = [];
  private seen = 0;
  private onlyRefused = false;
  omitted = 0;

  constructor(private readonly max = MAX_STREAM_RESULTS) {}

  /** Adds one message's results (indexes are numbered across the whole stream here). */
  add(results: readonly Omit<StreamResult, 'index'>[]): void {
    for (const r of results) {
      const result = { ...r, index: this.seen++ };
      this.counts[r.outcome]++;
      if (!this.onlyRefused && this.kept.length === this.max) {
        // More records than results fit: from here on, keep what needs acting on only.
        this.onlyRefused = true;
        const refused = this.kept.filter((k) => k.outcome !== 'accepted');
        this.omitted += this.kept.length - refused.length;
        this.kept = refused;
      }
      if ((this.onlyRefused && r.outcome === 'accepted') || this.kept.length === this.max) this.omitted++;
      else this.kept.push(result);
    }
  }

  get results(): readonly StreamResult[] {
    return this.kept;
  }
}
