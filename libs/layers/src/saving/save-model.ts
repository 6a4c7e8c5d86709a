import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { serializeLayer } from '../engine/registry';
import type { CompileConfig } from '../training/compile';
import { writeDirAtomic, writeFileAtomic } from './atomic-write';
import type { SavableModel } from './savable-model';
import { exportTfjsLayersModel } from './tfjs-format';
import { stripFileScheme } from './tfjs-file-io';
import { getWeightValues, packWeights, setWeightValues, toWeightValues, unpackWeights } from './weight-values';

export const FORMAT = 'weft-model';
const VERSION = 1;
export const CONFIG = 'config.json';
export const WEIGHTS = 'weights.bin';
export const OPTIMIZER = 'optimizer.bin';

type Manifest = ReturnType<typeof packWeights>['manifest'];

export interface SavedConfig {
  format: typeof FORMAT;
  version: number;
  model: ReturnType<typeof serializeLayer>;
  compile: CompileConfig | null;
  weights: Manifest;
  optimizer: { iterations: number; weights: Manifest } | null;
}

export interface SaveModelArgs {
  /** Save the optimizer state too (to resume training); default true. weft format only. */
  includeOptimizer?: boolean;
  /**
   * 'weft' (default): every layer, the compile config and the optimizer state, for loadModel.
   * 'tfjs': model.json + weights.bin in the tfjs-layers format, for tf.loadLayersModel
   * (architecture and weights; layers tfjs-layers lacks are an error naming them).
   */
  format?: 'weft' | 'tfjs';
}

/**
 * Saves a model to one directory ('dir' or 'file://dir'): config.json (architecture, compile
 * config, weight manifests), weights.bin and optimizer.bin; or, with format 'tfjs', the
 * tfjs-layers format. Written atomically: the previous save stays intact until the new one is complete.
 */
export async function saveModel(model: SavableModel, target: string, args: SaveModelArgs = {}): Promise<void> {
  const dir = stripFileScheme(target);
  const format = args.format ?? 'weft';
  if (format === 'tfjs') return exportTfjsLayersModel(model, dir);
  if (format !== 'weft') throw new Error(`saveModel: \`format\` must be 'weft' or 'tfjs'. Received: format=${JSON.stringify(args.format)}`);
  if (!model.built) throw new Error(`Model '${model.name}' is not built yet, so it has no weights to save: call it on data or give it an input shape.`);
  const weights = packWeights(getWeightValues(model));
  const optimizer = args.includeOptimizer !== false ? model.compiled?.optimizer ?? null : null;
  const optWeights = optimizer ? packWeights(toWeightValues(optimizer.getWeights())) : null;
  const config: SavedConfig = {
    format: FORMAT,
    version: VERSION,
    model: serializeLayer(model),
    compile: model.compiled ? model.compiled.config : null,
    weights: weights.manifest,
    optimizer: optimizer && optWeights ? { iterations: optimizer.iterations, weights: optWeights.manifest } : null,
  };
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, CONFIG), JSON.stringify(config, null, 1));
    await fs.writeFile(path.join(tmp, WEIGHTS), weights.data);
    if (optWeights) await fs.writeFile(path.join(tmp, OPTIMIZER), optWeights.data);
  });
}

/** Saves only the weights, to one file (JSON manifest header + float data), atomically. */
export async function saveWeights(model: SavableModel, file: string): Promise<void> {
  const { manifest, data } = packWeights(getWeightValues(model));
  const header = Buffer.from(JSON.stringify({ format: 'weft-weights', version: VERSION, weights: manifest }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  await writeFileAtomic(file, Buffer.concat([length, header, data]));
}

/** Loads weights saved by saveWeights into a model of the same architecture (matched by weight name). */
export async function loadWeights(model: SavableModel, file: string): Promise<void> {
  const buf = await fs.readFile(file);
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as { format: string; weights: Manifest };
  if (header.format !== 'weft-weights') throw new Error(`'${file}' is not a weft weights file.`);
  setWeightValues(model, unpackWeights(header.weights, buf.subarray(4 + headerLength)));
}
