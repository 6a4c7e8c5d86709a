export { Model, model, type ModelArgs } from './model';
export { Sequential, sequential, type SequentialArgs } from './sequential';
export type { SummaryArgs } from './summary';
export { loadModel, buildModelFromSpec } from './load-model';
