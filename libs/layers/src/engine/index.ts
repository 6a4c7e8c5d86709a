export {
  Layer,
  SymbolicTensor,
  Node,
  isSymbolic,
  uniqueLayerName,
  type LayerArgs,
  type CallArgs,
  type Mask,
  type MaskArg,
  type Tensors,
  type SymbolicInputs,
  type InputSpec,
  type AddWeightArgs,
} from './layer';
export { LayerVariable } from './layer-variable';
export { InputLayer, input, type InputArgs, type InputLayerArgs } from './input-layer';
export {
  registerLayer,
  deserializeLayer,
  serializeLayer,
  getRegisteredLayer,
  registeredLayerNames,
  type LayerClass,
  type SerializedLayer,
} from './registry';
export { assertPositiveInt, assertRate, assertOneOf } from './validate';
export { weightSpecs, serializeWeightSpecs, type WeightSpec, type WeightArgs } from './weight-spec';
export { isShapeList, shapeToString, singleShape, sizeOf, knownDims, type Shape } from './shape';
