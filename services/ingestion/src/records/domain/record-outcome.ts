/** What became of one incoming record. */
export type RecordOutcome = 'accepted' | 'duplicate' | 'rejected';
