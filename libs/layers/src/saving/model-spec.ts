import * as tf from '@tensorflow/tfjs-core';
import { serializeLayer, type SerializedLayer } from '../engine/registry';
import type { CompileConfig } from '../training/compile';
import type { SavableModel } from './savable-model';
import { getWeightValues, setWeightValues, toNamedTensors, toWeightValues, type WeightValue } from './weight-values';

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

/** The model's config, weights, compile config and optimizer state, as plain data (structured-clone safe). */
export function describeModel(model: SavableModel): ModelSpec {
  if (!model.built) throw new Error(`Model '${model.name}' is not built: give its first layer an inputShape or call it on data first.`);
  const optimizer = model.compiled?.optimizer ?? null;
  return {
    model: JSON.parse(JSON.stringify(serializeLayer(model))),
    compile: model.compiled ? model.compiled.config : null,
    weights: getWeightValues(model),
    optimizerWeights: optimizer ? toWeightValues(optimizer.getWeights()) : [],
    optimizerIterations: optimizer ? optimizer.iterations : 0,
  };
}

/** Copies weights and optimizer state from a spec into an existing model of the same architecture. */
export function applyModelSpec(model: SavableModel, spec: Pick<ModelSpec, 'weights' | 'optimizerWeights' | 'optimizerIterations'>): void {
  setWeightValues(model, spec.weights);
  const optimizer = model.compiled?.optimizer;
  if (optimizer && spec.optimizerWeights.length > 0) {
    const named = toNamedTensors(spec.optimizerWeights);
    optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  if (optimizer) optimizer.iterations = spec.optimizerIterations;
}
