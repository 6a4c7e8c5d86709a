export { Constraint } from './constraint';
export { getConstraint, serializeConstraint, registerConstraint } from './get-constraint';
export { MaxNorm, maxNorm, type MaxNormArgs } from './max-norm';
export { NonNeg, nonNeg } from './non-neg';
export { UnitNorm, unitNorm, type UnitNormArgs } from './unit-norm';
export { MinMaxNorm, minMaxNorm, type MinMaxNormArgs } from './min-max-norm';
