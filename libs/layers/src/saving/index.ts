export { getWeightValues, setWeightValues, toWeightValues, toNamedTensors, packWeights, unpackWeights, type WeightValue } from './weight-values';
