import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SavableModel as Model } from './savable-model';
import { writeDirAtomic } from './atomic-write';
import { getWeightValues, packWeights } from './weight-values';

type Json = Record<string, unknown>;
type Serialized = { className: string; config: Json };

/** Layers whose config tfjs-layers reads after camelCase -> snake_case (its own names are Keras's). */
const TFJS_LAYERS = new Set([
  'InputLayer', 'Dense', 'Embedding', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Permute', 'RepeatVector',
  'Masking', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'LayerNormalization',
  'BatchNormalization',
]);

/** Config adjustments for other layer classes (e.g. by the owners of convolutional/recurrent layers). */
const converters = new Map<string, (config: Json) => Json>();

/** Declares how a layer class maps to tfjs-layers' config (keys are snake_cased afterwards). */
export function registerTfjsExport(className: string, convert: (config: Json) => Json = (c) => c): void {
  converters.set(className, convert);
}

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function isSerialized(v: unknown): v is Serialized {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Serialized).className === 'string' && 'config' in v;
}

/** Keras's regularizer set in tfjs-layers is L1L2 only. */
function convertRegularizer(r: Serialized): Json {
  const l1 = r.className === 'L1' || r.className === 'L1L2' ? Number(r.config.l1 ?? 0) : 0;
  const l2 = r.className === 'L2' || r.className === 'L1L2' ? Number(r.config.l2 ?? 0) : 0;
  return { class_name: 'L1L2', config: { l1, l2 } };
}

/** camelCase keys -> snake_case; {className, config} -> {class_name, config}; undefined -> null. */
function pythonic(value: unknown, key = ''): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => pythonic(v));
  if (isSerialized(value)) {
    if (key.endsWith('regularizer')) return convertRegularizer(value);
    return { class_name: value.className, config: pythonic(value.config) };
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), pythonic(v, snake(k))]));
  }
  return value;
}

function convertLayer(layer: Serialized): Json {
  const { className, config } = layer;
  if (className === 'Sequential') {
    const layers = (config.layers as Serialized[]).map((l, i) =>
      i === 0 && config.buildInputShape && !l.config.batchInputShape ? { ...l, config: { ...l.config, batchInputShape: config.buildInputShape } } : l,
    );
    return { class_name: 'Sequential', config: { name: config.name, layers: layers.map(convertLayer) } };
  }
  if (className === 'Functional') return { class_name: 'Model', config: convertGraph(config) };
  const convert = converters.get(className);
  if (!TFJS_LAYERS.has(className) && !convert) {
    throw new Error(
      `Layer '${String(config.name)}' (${className}) has no tfjs-layers equivalent, so the model cannot be exported ` +
        `in the tfjs LayersModel format (saveModel keeps every layer). Exportable: ${[...TFJS_LAYERS, ...converters.keys()].join(', ')}`,
    );
  }
  return { class_name: className, config: pythonic(convert ? convert(config) : config) };
}

type Ref = [string, number, number];

function convertGraph(config: Json): Json {
  const inbound = new Map<string, unknown[]>();
  for (const node of config.nodes as { layer: string; inputs: Ref[]; kwargs: Json }[]) {
    const list = inbound.get(node.layer) ?? [];
    list.push(node.inputs.map(([name, n, t]) => [name, n, t, pythonic(node.kwargs)]));
    inbound.set(node.layer, list);
  }
  return {
    name: config.name,
    layers: (config.layers as Serialized[]).map((l) => ({
      name: l.config.name,
      ...convertLayer(l),
      inbound_nodes: inbound.get(l.config.name as string) ?? [],
    })),
    input_layers: config.inputLayers,
    output_layers: config.outputLayers,
  };
}

/** The model as tfjs LayersModel artifacts (what tf.io.fromMemory and model.json hold). */
export function toTfjsArtifacts(model: Model): { modelTopology: Json; weightSpecs: { name: string; shape: number[]; dtype: string }[]; weightData: ArrayBuffer } {
  const { manifest, data } = packWeights(getWeightValues(model));
  const modelTopology = {
    ...convertLayer({ className: model.getClassName(), config: model.getConfig() }),
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return { modelTopology, weightSpecs: manifest.map(({ name, shape, dtype }) => ({ name, shape, dtype })), weightData };
}

/**
 * Writes model.json + weights.bin in the tfjs LayersModel format (tf.loadLayersModel reads it),
 * when every layer has a tfjs-layers equivalent; otherwise throws naming the layer.
 */
export async function exportTfjsLayersModel(model: Model, dir: string): Promise<void> {
  const { modelTopology, weightSpecs, weightData } = toTfjsArtifacts(model);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'weft',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
  };
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(tmp, 'weights.bin'), Buffer.from(weightData));
  });
}
