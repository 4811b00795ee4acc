import { bucketOf, routeRequest } from './traffic-split';

const split = { stableVersion: 1, candidateVersion: 2, weight: 25, mirrorPercent: 0 };

describe('traffic split', () => {
  it('sends about the weight to the candidate, and a key always to the same version', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    const share = keys.filter((k) => routeRequest(split, k).role === 'candidate').length / keys.length;
    expect(share).toBeGreaterThan(0.235);
    expect(share).toBeLessThan(0.265);
    for (const k of keys.slice(0, 100)) expect(routeRequest(split, k)).toEqual(routeRequest(split, k));
  });

  it('keeps a key on the candidate as its weight grows (buckets below the weight)', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k${i}`);
    const at = (weight: number) => new Set(keys.filter((k) => routeRequest({ ...split, weight }, k).role === 'candidate'));
    const [ten, fifty] = [at(10), at(50)];
    for (const k of ten) expect(fifty.has(k)).toBe(true);
    expect(at(100).size).toBe(keys.length);
    expect(at(0).size).toBe(0);
  });

  it('mirrors the share asked to the other version, and routes everything to the candidate without a stable version', () => {
    const random = () => 0.3;
    expect(routeRequest({ ...split, mirrorPercent: 50 }, 'k', random)).toMatchObject({ mirrorVersion: expect.any(Number) });
    expect(routeRequest({ ...split, mirrorPercent: 20 }, 'k', random).mirrorVersion).toBeUndefined();
    expect(routeRequest({ stableVersion: 0, candidateVersion: 3, weight: 0, mirrorPercent: 100 }, 'k')).toEqual({ version: 3, role: 'candidate', mirrorVersion: undefined });
  });

  it('hashes with FNV-1a into 10,000 buckets', () => {
    // FNV-1a("a") = 0xe40c292c = 3826002220.
    expect(bucketOf('a')).toBe(3826002220 % 10_000);
    expect(bucketOf('')).toBe(0x811c9dc5 % 10_000);
  });
});
