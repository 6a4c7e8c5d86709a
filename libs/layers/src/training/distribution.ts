import type { History } from '../callbacks/history';
import type { SerializedLayer } from '../engine/registry';
import type { Model } from '../models/model';
import type { WeightValue } from '../saving/weight-values';
import type { CompileConfig } from './compile';
import type * as tf from '@tensorflow/tfjs-core';
import type { DataInput, EvaluateArgs, FitArgs, PredictArgs } from './data';

/**
 * Everything needed to rebuild a compiled model in another thread or process: its config (JSON,
 * every layer class registered there), weights, compile config and optimizer state.
 */
export interface ModelSpec {
  model: SerializedLayer;
  compile: CompileConfig | null;
  weights: WeightValue[];
  optimizerWeights: WeightValue[];
  optimizerIterations: number;
}

/**
 * A way to train over several devices (implemented outside libs/layers, e.g. @weft/distributed's
 * DataParallel). model.fit(x, y, {distribution}) hands over to distribution.fit, which can use
 * describeModel(model) to ship the model to workers, run their steps with a Trainer whose gradient
 * hook all-reduces, sum metric state with getMetricState/setMetricState, and finally write the
 * trained weights back into `model` (applyModelSpec) before returning the History.
 */
export interface Distribution {
  fit(model: Model, x: DataInput, y: DataInput, args: FitArgs): Promise<History>;
  evaluate?(model: Model, x: DataInput, y: DataInput, args: EvaluateArgs): Promise<number | number[]>;
  /** Outputs for x, in x's order, computed on the distribution's devices. */
  predict?(model: Model, x: DataInput, args: PredictArgs): Promise<tf.Tensor | tf.Tensor[]>;
}
