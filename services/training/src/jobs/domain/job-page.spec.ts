import { jobsPageToken, jobsPosition } from './job-page';

describe('job page tokens', () => {
  it('round-trip the position, and refuse a position that names no job', () => {
    const after = { createdMicros: '1796418135288096', jobId: '0b9f5c1e-3c1d-4f7a-9b1e-2a6d8c4e5f01' };
    expect(jobsPosition(jobsPageToken(after))).toEqual(after);
    expect(() => jobsPosition(jobsPageToken({ ...after, jobId: "x' OR 1=1" }))).toThrow('is not one this service gave');
    expect(() => jobsPosition(jobsPageToken({ ...after, createdMicros: 'now' }))).toThrow('is not one this service gave');
  });
});
