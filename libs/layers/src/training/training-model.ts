import type { CallbackModel } from '../callbacks/callback';
import type { History } from '../callbacks/history';
import type { Shape } from '../engine/shape';
import type { CompilableModel, CompiledModel } from './compile';
import type { TrainableModel } from './trainer';

/** What the data adapters need to know about a model. */
export interface DataModel {
  readonly name: string;
  readonly inputNames: string[];
  readonly outputNames: string[];
}

/**
 * A model as the training functions see it (fit, evaluate, predict, trainOnBatch, runFitLoop and a
 * Distribution). models/model.ts's Model implements it; nothing in training imports Model, so the
 * imports run one way, models -> training -> callbacks, as Keras 3's Model extends its Trainer.
 */
export interface TrainingModel extends TrainableModel, DataModel, CompilableModel, CallbackModel {
  compiled: CompiledModel | null;
  build(inputShape: Shape | Shape[]): void;
  /** The History of the latest fit. */
  history: History | null;
}
