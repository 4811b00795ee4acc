import type { Run } from '../api/types';
import { cellDiffers, compareColumns, isNumericParam } from './compare';

const run = (runId: string, params: Record<string, string>, metrics: Record<string, number>): Run => ({
  runId, experiment: 'e', runName: runId, status: 'RUN_STATUS_FINISHED', startTimeMs: 0, endTimeMs: 0, params, tags: {}, metrics, artifacts: [],
});

describe('compareColumns', () => {
  const runs = [run('a', { lr: '0.1', depth: '3' }, { acc: 0.9 }), run('b', { lr: '0.1', depth: '5' }, { acc: 0.9 }), run('c', { lr: '0.1', depth: '3', extra: 'x' }, { acc: 0.8 })];
  const columns = compareColumns(runs);
  const byKey = Object.fromEntries(columns.map((c) => [`${c.kind}.${c.key}`, c]));

  it('marks the params and metrics whose values differ, params first, keys sorted', () => {
    expect(columns.map((c) => `${c.kind}.${c.key}:${c.differs}`)).toEqual(['param.depth:true', 'param.extra:true', 'param.lr:false', 'metric.acc:true']);
  });

  it('takes the most common value as the reference, and a missing value as a value', () => {
    expect(byKey['param.depth']).toMatchObject({ mode: '3', distinct: 2 });
    expect(byKey['param.extra']).toMatchObject({ mode: '', distinct: 2 });
    expect(runs.map((r) => cellDiffers(r, byKey['param.depth']))).toEqual([false, true, false]);
    expect(runs.map((r) => cellDiffers(r, byKey['param.extra']))).toEqual([false, false, true]);
    expect(runs.map((r) => cellDiffers(r, byKey['metric.acc']))).toEqual([false, false, true]);
    expect(runs.map((r) => cellDiffers(r, byKey['param.lr']))).toEqual([false, false, false]);
  });

  it('marks no cell of a column where no value is shared by most runs (a grid axis)', () => {
    const grid = [run('a', { lr: '0.1' }, {}), run('b', { lr: '0.2' }, {}), run('c', { lr: '0.3' }, {})];
    const [lr] = compareColumns(grid);
    expect(lr).toMatchObject({ differs: true, distinct: 3 });
    expect(grid.map((r) => cellDiffers(r, lr))).toEqual([false, false, false]);
  });

  it('draws numeric params on value axes only when every value is a number', () => {
    expect(isNumericParam(runs, 'depth')).toBe(true);
    expect(isNumericParam(runs, 'extra')).toBe(false);
  });
});
