export { columnStats, fromRows, getColumn, getRow, selectRows, selectValues, standardize, toRows, type ColumnStats } from './matrix';
export { mulberry32, randomInt, shuffleInPlace, type Rng } from './random';
export { seededSplit, type Split, type SplitFractions, type SplitOptions } from './split';
