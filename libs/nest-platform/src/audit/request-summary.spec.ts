import { requestSummary } from './audit-log';

describe('requestSummary (what the audit log keeps of a request)', () => {
  it('counts data rows and metric values instead of copying them, and keeps the rest', () => {
    const summary = JSON.parse(requestSummary({ runId: 'r1', params: { lr: '0.1' }, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: i })), records: [{}, {}] }));
    expect(summary).toEqual({ runId: 'r1', params: { lr: '0.1' }, metrics: '<1000 items>', records: '<2 items>' });
  });

  it('shows bytes by their length and cuts long strings', () => {
    const summary = JSON.parse(requestSummary({ model: Buffer.alloc(4096), name: 'x'.repeat(300) }));
    expect(summary).toEqual({ model: '<4096 bytes>', name: `${'x'.repeat(256)}…` });
  });
});
