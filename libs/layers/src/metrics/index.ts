export { Metric, type MetricArgs } from './metric';
export { getMetric, resolveMetric, serializeMetric, registerMetric } from './get-metric';
export { Mean, mean } from './mean';
export { MeanMetricWrapper } from './mean-metric-wrapper';
export { LossMetric, type LossMetricArgs } from './loss-metric';
export { Accuracy, accuracy } from './accuracy';
export { BinaryAccuracy, binaryAccuracy, type BinaryAccuracyArgs } from './binary-accuracy';
export { CategoricalAccuracy, categoricalAccuracy } from './categorical-accuracy';
export { SparseCategoricalAccuracy, sparseCategoricalAccuracy } from './sparse-categorical-accuracy';
export { TopKCategoricalAccuracy, topKCategoricalAccuracy, type TopKArgs } from './top-k-categorical-accuracy';
export {
  SparseTopKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
} from './sparse-top-k-categorical-accuracy';
export { Precision, precision, type PrecisionArgs } from './precision';
export { Recall, recall } from './recall';
export { AUC, auc, type AUCArgs } from './auc';
export type { ConfusionArgs } from './confusion';
