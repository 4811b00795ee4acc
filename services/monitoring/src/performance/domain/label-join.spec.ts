import { LabelJoin } from './label-join';

const served = (prediction: number, servedAtMs = 0) => ({ version: 1, prediction, servedAtMs });

describe('LabelJoin', () => {
  it('joins a label to the prediction of its request and row, whichever comes first', () => {
    const join = new LabelJoin(10, 60_000);
    expect(join.addPrediction('r1', 0, served(1), 0)).toBeUndefined();
    expect(join.addLabel('r1', 1, 0, 1)).toBeUndefined(); // another row: waits
    expect(join.addLabel('r1', 0, 0, 2)).toEqual({ ...served(1), label: 0 });
    expect(join.addPrediction('r1', 1, served(0), 3)).toEqual({ ...served(0), label: 0 });
    expect(join.waiting).toEqual({ predictions: 0, labels: 0 });
  });

  it('does not join a label that waited longer than the join window', () => {
    const join = new LabelJoin(10, 1000);
    join.addLabel('late', 0, 1, 0);
    expect(join.addPrediction('late', 0, served(1), 5000)).toBeUndefined();
    expect(join.expiredLabels).toBe(1);
  });

  it('counts a repeated label once', () => {
    const join = new LabelJoin(10, 60_000);
    join.addPrediction('r', 0, served(1), 0);
    expect(join.addLabel('r', 0, 1, 1)).toBeDefined();
    expect(join.addLabel('r', 0, 1, 2)).toBeUndefined();
  });

  it('forgets the oldest past its capacity or age, and counts them', () => {
    const join = new LabelJoin(2, 1000);
    join.addPrediction('a', 0, served(1), 0);
    join.addPrediction('b', 0, served(1), 10);
    join.addPrediction('c', 0, served(1), 20); // a goes: capacity
    expect(join.addLabel('a', 0, 1, 30)).toBeUndefined();
    join.addPrediction('d', 0, served(1), 2000); // b and c are older than 1 s
    expect(join.expiredPredictions).toBe(3);
    expect(join.addLabel('b', 0, 1, 2001)).toBeUndefined();
    expect(join.addLabel('d', 0, 1, 2002)).toEqual({ ...served(1), label: 1 });
  });
});
