// Public API of @weft/layers.
export * as layers from './layers';
export * from './layers';
export * from './engine';
export * from './models';
export * from './training';
export * from './callbacks';
export * from './saving';
export * from './preprocessing';
export * as activations from './activations';
export * as initializers from './initializers';
export * as regularizers from './regularizers';
export * as constraints from './constraints';
export * as losses from './losses';
export * as metrics from './metrics';
export * as optimizers from './optimizers';
