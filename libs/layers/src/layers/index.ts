// Layers grouped as Keras 3 groups them; each group's index exports its classes and camelCase factories.
export * from './core';
export * from './activations';
export * from './merging';
export * from './normalization';
export * from './regularization';
export * from './reshaping';
export * from './convolutional';
export * from './pooling';
export * from './rnn';
export * from './attention';
