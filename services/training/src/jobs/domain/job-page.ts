import { MICROS, UUID, decodePageToken, encodePageToken } from '../../paging/page-token';

/**
 * Jobs page by position, newest first: a job submitted while a client pages lands before its
 * first page and shifts nothing, so no job is shown twice or skipped.
 */
export interface JobPosition {
  /** created_at of the last job shown, in microseconds (Postgres's precision). */
  createdMicros: string;
  jobId: string;
}

export function jobsPageToken(after: JobPosition): string {
  return encodePageToken({ t: after.createdMicros, j: after.jobId });
}

export function jobsPosition(token: string): JobPosition {
  const { t, j } = decodePageToken(token, { t: MICROS, j: UUID });
  return { createdMicros: t, jobId: j };
}
