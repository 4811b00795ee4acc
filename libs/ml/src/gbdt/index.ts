export { binMatrix, featureBinEdges, fitBinMapper, MAX_BINS, type BinMapper, type BinnedMatrix } from './binning';
export { fitGradientBoostedTrees, type GradientBoostingOptions } from './gbdt';
export { binaryLogLoss, lossFor, multinomialLogLoss, squaredError, type Loss } from './losses';
export { predictClass, predictProba, predictRaw, predictValue, scoreTree } from './predict';
export { leafScore, splitGain, type NodeSums } from './split';
