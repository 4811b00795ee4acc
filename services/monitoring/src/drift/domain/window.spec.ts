import { RowWindow } from './window';

const row = (i: number) => ({ features: { x: i }, prediction: i % 2, servedAtMs: 1000 + i });

describe('RowWindow', () => {
  it('keeps the most recent rows and counts arrivals since the last evaluation', () => {
    const w = new RowWindow(3);
    for (let i = 0; i < 5; i++) w.push(row(i));
    expect(w.size).toBe(3);
    expect(w.ordered().map((r) => r.features.x)).toEqual([2, 3, 4]);
    expect(w.column('x').sort()).toEqual([2, 3, 4]);
    expect(w.column('y')).toEqual([]);
    expect(w.span()).toEqual({ fromMs: 1002, toMs: 1004 });
    expect(w.sinceEvaluation).toBe(5);
  });

  it('keeps the newest rows when resized', () => {
    const w = new RowWindow(4);
    for (let i = 0; i < 6; i++) w.push(row(i));
    w.resize(2);
    expect(w.ordered().map((r) => r.features.x)).toEqual([4, 5]);
    w.push(row(6));
    expect(w.ordered().map((r) => r.features.x)).toEqual([5, 6]);
  });

  it('keeps the rows of a recent time span as a window of their own', () => {
    const w = new RowWindow(10);
    for (let t = 0; t < 6; t++) w.push({ features: { x: t }, prediction: 0, servedAtMs: t * 1000 });
    const recent = w.since(3000);
    expect(recent.column('x')).toEqual([3, 4, 5]);
    expect(recent.span()).toEqual({ fromMs: 3000, toMs: 5000 });
    expect(w.size).toBe(6);
  });
});
