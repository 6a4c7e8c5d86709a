export { LearningRateSchedule } from './learning-rate-schedule';
export { getSchedule, serializeSchedule } from './get-schedule';
export { ExponentialDecay, exponentialDecay, type ExponentialDecayArgs } from './exponential-decay';
export { InverseTimeDecay, inverseTimeDecay, type InverseTimeDecayArgs } from './inverse-time-decay';
export {
  PiecewiseConstantDecay, piecewiseConstantDecay, type PiecewiseConstantDecayArgs,
} from './piecewise-constant-decay';
export { CosineDecay, cosineDecay, type CosineDecayArgs } from './cosine-decay';
export { PolynomialDecay, polynomialDecay, type PolynomialDecayArgs } from './polynomial-decay';
