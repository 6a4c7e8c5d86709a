export { Loss, type LossArgs, type Reduction } from './loss';
export { getLoss, serializeLoss, registerLoss } from './get-loss';
export { LossFunctionWrapper, type LossFunction } from './loss-function-wrapper';
export { BinaryCrossentropy, binaryCrossentropy, type BinaryCrossentropyArgs } from './binary-crossentropy';
export {
  CategoricalCrossentropy, categoricalCrossentropy, type CategoricalCrossentropyArgs,
} from './categorical-crossentropy';
export {
  SparseCategoricalCrossentropy, sparseCategoricalCrossentropy, type SparseCategoricalCrossentropyArgs,
} from './sparse-categorical-crossentropy';
export { MeanSquaredError, meanSquaredError } from './mean-squared-error';
export { MeanAbsoluteError, meanAbsoluteError } from './mean-absolute-error';
export { Hinge, hinge } from './hinge';
export { Huber, huber, type HuberArgs } from './huber';
export { KLDivergence, kld } from './kl-divergence';
