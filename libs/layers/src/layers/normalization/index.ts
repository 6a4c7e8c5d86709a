export { LayerNormalization, layerNormalization, type LayerNormalizationArgs } from './layer-normalization';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization';
