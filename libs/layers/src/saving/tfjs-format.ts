import type * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '../engine/layer';
import type { SavableModel as Model } from './savable-model';
import {
  customTfjsExport,
  customTfjsExportNames,
  type TfjsExportContext,
  type TfjsExportEntry,
  type TfjsMaskRule,
  type TfjsWeight,
} from './tfjs-export-registry';
import { tfjsFileHandler } from './tfjs-file-io';
import { KerasJson, pythonic } from './tfjs-keras-config';
import { TFJS_LAYER_GAPS, TFJS_LAYER_TABLE } from './tfjs-layer-table';
import { toWeightValues, packWeights } from './weight-values';

type Json = Record<string, unknown>;
type Ref = [string, number, number];

/** Which layer made the mask a tensor carries (Embedding maskZero, Masking), or null. */
type MaskOrigin = string | null;

interface Exported {
  keras: Json;
  /** Named as tfjs-layers names them in the loaded model. */
  weights: TfjsWeight[];
}

const describe = (layer: Layer) => `Layer '${layer.name}' (${layer.getClassName()})`;
const isModel = (layer: Layer): layer is Model => ['Sequential', 'Functional'].includes(layer.getClassName());

function entryFor(layer: Layer): TfjsExportEntry {
  const className = layer.getClassName();
  const entry = customTfjsExport(className) ?? TFJS_LAYER_TABLE[className];
  if (!entry) {
    const why = TFJS_LAYER_GAPS[className] ?? 'it is not a layer tfjs-layers has';
    throw new Error(
      `${describe(layer)} cannot be exported to the tfjs-layers format: ${why}. If tfjs-layers can load it as a ` +
        `custom layer, declare how with registerTfjsExport('${className}', ...) (and register a layer class of that ` +
        `name in tfjs-layers where you load it). model.save(dir) keeps every layer in weft's own format. ` +
        `Exportable: ${[...Object.keys(TFJS_LAYER_TABLE), ...customTfjsExportNames()].sort().join(', ')}`,
    );
  }
  const why = entry.unsupported?.(layer);
  if (why) throw new Error(`${describe(layer)} cannot be exported to the tfjs-layers format: ${why}.`);
  return entry;
}

const context: TfjsExportContext = {
  inner(layer) {
    const spec = entryFor(layer).toTfjs(layer, context);
    return { keras: new KerasJson(kerasObject(layer, spec.className, spec.config)), weights: spec.weights };
  },
};

function kerasObject(layer: Layer, className: string, config: Json): Json {
  return { class_name: className, config: pythonic(config, describe(layer)) };
}

/** Applies a layer's mask rule; throws where tfjs-layers would refuse the model. */
function maskOutputs(layer: Layer, rule: TfjsMaskRule, inputs: MaskOrigin[], outputs: number): MaskOrigin[] {
  const origin = inputs.find((m) => m !== null) ?? null;
  if (rule === 'refuse' && origin !== null) {
    throw new Error(
      `${describe(layer)} receives a mask (made by '${origin}'), and tfjs-layers' ${layer.getClassName()} does not ` +
        `support masks: tf.loadLayersModel would refuse the model. Export a model without that mask (e.g. ` +
        `Embedding maskZero: false), or declare a mask-aware replacement with registerTfjsExport('${layer.getClassName()}', ...) ` +
        `and register that class in tfjs-layers where you load it.`,
    );
  }
  if (rule === 'refuse' || rule === 'consume') return Array<MaskOrigin>(outputs).fill(null);
  if (rule === 'pass') return Array<MaskOrigin>(outputs).fill(origin);
  return rule(layer, inputs.map((m) => m !== null)).map((masked) => (masked ? origin ?? layer.name : null));
}

/** Exports one layer called on inputs with these masks: its Keras JSON, its weights and its output masks. */
function exportCall(layer: Layer, inputMasks: MaskOrigin[], outputs: number): Exported & { masks: MaskOrigin[] } {
  if (isModel(layer)) return exportModel(layer, inputMasks);
  const entry = entryFor(layer);
  const masks = maskOutputs(layer, entry.masks, inputMasks, outputs);
  const spec = entry.toTfjs(layer, context);
  return {
    keras: kerasObject(layer, spec.className, spec.config),
    weights: spec.weights.map((w) => ({ ...w, name: `${layer.name}/${w.name}` })),
    masks,
  };
}

function exportSequential(model: Model, inputMasks: MaskOrigin[]): Exported & { masks: MaskOrigin[] } {
  const config = model.getConfig();
  let masks = inputMasks;
  const layers: Json[] = [];
  const weights: TfjsWeight[] = [];
  model.layers.forEach((layer) => {
    const out = exportCall(layer, masks, 1);
    masks = out.masks;
    layers.push(out.keras);
    weights.push(...out.weights);
  });
  // tfjs-layers takes a Sequential model's input shape from its first layer.
  const first = layers[0]?.config as Json | undefined;
  if (first && !first.batch_input_shape && config.buildInputShape) first.batch_input_shape = config.buildInputShape;
  return { keras: { class_name: 'Sequential', config: { name: model.name, layers } }, weights, masks };
}

function exportModel(model: Model, inputMasks: MaskOrigin[] = []): Exported & { masks: MaskOrigin[] } {
  if (!model.built) {
    throw new Error(`Model '${model.name}' is not built yet, so it has no weights to export: call it on data or give it an input shape.`);
  }
  if (model.getClassName() === 'Sequential') return exportSequential(model, inputMasks);
  const config = model.getConfig() as { nodes: { layer: string; inputs: Ref[]; kwargs: Json }[]; inputLayers: Ref[]; outputLayers: Ref[] };
  const key = ([name, node, tensor]: Ref) => `${name}/${node}/${tensor}`;
  // A nested model's node 0 is the one made when it was built on its own input; calls on this model's tensors follow.
  const tfjsRef = ([name, node, tensor]: Ref): Ref => [name, isModel(model.getLayer(name)) ? node + 1 : node, tensor];
  const masks = new Map<string, MaskOrigin>(config.inputLayers.map((ref, i) => [key(ref), inputMasks[i] ?? null]));
  const inbound = new Map<string, unknown[]>();
  const exported = new Map<string, Exported>();
  for (const node of config.nodes) {
    const layer = model.getLayer(node.layer);
    const calls = inbound.get(node.layer) ?? [];
    const graphNode = model.graphNodes.filter((n) => n.layer === layer)[calls.length];
    const out = exportCall(layer, node.inputs.map((ref) => masks.get(key(ref)) ?? null), graphNode.outputs.length);
    out.masks.forEach((m, i) => masks.set(key([node.layer, calls.length, i]), m));
    calls.push(node.inputs.map((ref) => [...tfjsRef(ref), pythonic(node.kwargs, describe(layer))]));
    inbound.set(node.layer, calls);
    exported.set(node.layer, out);
  }
  const layers = model.layers.map((layer) => {
    const out = exported.get(layer.name) ?? exportCall(layer, [], 1); // InputLayers
    return { name: layer.name, ...out.keras, inbound_nodes: inbound.get(layer.name) ?? [] };
  });
  return {
    keras: { class_name: 'Model', config: { name: model.name, layers, input_layers: config.inputLayers, output_layers: config.outputLayers.map(tfjsRef) } },
    weights: [...exported.values()].flatMap((e) => e.weights),
    masks: config.outputLayers.map((ref) => masks.get(key(ref)) ?? null),
  };
}

/** The artifacts tfjs-layers loads a LayersModel from (what model.json and weights.bin hold; see tf.io.fromMemory). */
export interface TfjsArtifacts {
  modelTopology: Json;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[];
  weightData: ArrayBuffer;
}

/**
 * The model in the tfjs-layers format: Keras class names and configs, weights named and laid out
 * as tfjs-layers expects. Throws, naming the layer, where tfjs-layers could not load it the same.
 */
export function toTfjsArtifacts(model: Model): TfjsArtifacts {
  const { keras, weights } = exportModel(model);
  const values = toWeightValues(weights.map((w) => ({ name: w.name, tensor: w.tensor as tf.Tensor })));
  const { manifest, data } = packWeights(values);
  return {
    modelTopology: { ...keras, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightSpecs: manifest.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as 'float32' | 'int32' })),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  };
}

/**
 * Writes the model as model.json + weights.bin in the tfjs-layers format, for tf.loadLayersModel
 * (in Node, with tfjsFileHandler). Written atomically, like saveModel.
 */
export async function exportTfjsLayersModel(model: Model, dir: string): Promise<void> {
  await tfjsFileHandler(dir).save(toTfjsArtifacts(model));
}
