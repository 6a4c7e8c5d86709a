export { Optimizer, type OptimizerArgs, type OptimizerTarget, type NamedTensor } from './optimizer';
export { getOptimizer, serializeOptimizer, registerOptimizer } from './get-optimizer';
export { SGD, sgd, type SGDArgs } from './sgd';
export { RMSprop, rmsprop, type RMSpropArgs } from './rmsprop';
export { Adam, adam, type AdamArgs } from './adam';
export { AdamW, adamw } from './adamw';
export { Adagrad, adagrad, type AdagradArgs } from './adagrad';
export { Adadelta, adadelta, type AdadeltaArgs } from './adadelta';
export * from './schedules';
