export { fitLinearRegression, predictLinear, type LinearRegressionOptions } from './linear-regression';
export {
  fitLogisticRegression,
  fitLogisticRegressionWithInfo,
  predictLogisticClass,
  predictLogisticProba,
  type LogisticFitInfo,
  type LogisticRegressionOptions,
} from './logistic-regression';
