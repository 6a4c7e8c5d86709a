import * as tf from '@tensorflow/tfjs-core';
import { deserializeLayer, serializeLayer } from '../engine/registry';
import { Model } from '../models/model';
import { getWeightValues, setWeightValues, toNamedTensors, toWeightValues } from '../saving/weight-values';
import { compileArgsFromConfig } from './compile';
import type { ModelSpec } from './distribution';

/** The model's config, weights, compile config and optimizer state, as plain data (structured-clone safe). */
export function describeModel(model: Model): ModelSpec {
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
export function applyModelSpec(model: Model, spec: Pick<ModelSpec, 'weights' | 'optimizerWeights' | 'optimizerIterations'>): void {
  setWeightValues(model, spec.weights);
  const optimizer = model.compiled?.optimizer;
  if (optimizer && spec.optimizerWeights.length > 0) {
    const named = toNamedTensors(spec.optimizerWeights);
    optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  if (optimizer) optimizer.iterations = spec.optimizerIterations;
}

/** Rebuilds a compiled model from a spec (in a worker): layers from the registry, then weights and optimizer state. */
export function buildModelFromSpec(spec: ModelSpec): Model {
  const model = deserializeLayer(spec.model);
  if (!(model instanceof Model)) throw new Error(`ModelSpec holds a ${spec.model.className}, not a model.`);
  if (spec.compile) model.compile(compileArgsFromConfig(spec.compile));
  applyModelSpec(model, spec);
  return model;
}
