// Rebuilding a Model from its saved forms: a directory written by saveModel, or a ModelSpec shipped
// to a worker. Both need the Model class itself, so they live here rather than in saving/ or
// training/ (which see models only through interfaces).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { deserializeLayer } from '../engine/registry';
import { applyModelSpec, type ModelSpec } from '../saving/model-spec';
import { CONFIG, FORMAT, OPTIMIZER, WEIGHTS, type SavedConfig } from '../saving/save-model';
import { stripFileScheme } from '../saving/tfjs-file-io';
import { setWeightValues, toNamedTensors, unpackWeights } from '../saving/weight-values';
import { compileArgsFromConfig } from '../training/compile';
import { Model } from './model';

/**
 * Loads a model saved by saveModel: rebuilds it from the layer registry (custom layers must be
 * registered first), restores weights, recompiles it and restores the optimizer state.
 */
export async function loadModel(target: string): Promise<Model> {
  const dir = stripFileScheme(target);
  let raw: string;
  try {
    raw = await fs.readFile(path.join(dir, CONFIG), 'utf8');
  } catch (err) {
    throw new Error(`Cannot load a model from '${dir}': ${(err as Error).message}. Expected a directory written by saveModel (with ${CONFIG}).`);
  }
  const config = JSON.parse(raw) as SavedConfig;
  if (config.format !== FORMAT) throw new Error(`'${dir}/${CONFIG}' is not a weft model (format ${JSON.stringify(config.format)}).`);
  const model = deserializeLayer(config.model);
  if (!(model instanceof Model)) throw new Error(`'${dir}' holds a ${config.model.className} layer, not a model.`);
  setWeightValues(model, unpackWeights(config.weights, await fs.readFile(path.join(dir, WEIGHTS))));
  if (config.compile) {
    model.compile(compileArgsFromConfig(config.compile));
    if (config.optimizer) {
      const optimizer = model.compiled!.optimizer;
      const named = toNamedTensors(unpackWeights(config.optimizer.weights, await fs.readFile(path.join(dir, OPTIMIZER))));
      optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
      optimizer.iterations = config.optimizer.iterations;
    }
  }
  return model;
}

/** Rebuilds a compiled model from a spec (in a worker): layers from the registry, then weights and optimizer state. */
export function buildModelFromSpec(spec: ModelSpec): Model {
  const model = deserializeLayer(spec.model);
  if (!(model instanceof Model)) throw new Error(`ModelSpec holds a ${spec.model.className}, not a model.`);
  if (spec.compile) model.compile(compileArgsFromConfig(spec.compile));
  applyModelSpec(model, spec);
  return model;
}
