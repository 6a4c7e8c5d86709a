import type * as tf from '@tensorflow/tfjs-core';
import { Node, type CallArgs, type Layer, type Mask, type SymbolicTensor } from '../engine/layer';
import { InputLayer } from '../engine/input-layer';

/** The node that produced a symbolic tensor (null for an Input). */
export function producerOf(t: SymbolicTensor): Node | null {
  if (t.sourceLayer instanceof InputLayer) return null;
  return t.sourceLayer.inboundNodes[t.nodeIndex];
}

/**
 * The nodes between `inputs` and `outputs`, each after the nodes it depends on. Throws
 * "Graph disconnected" naming the tensor when an output needs a value no input provides.
 */
export function topologicalNodes(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Node[] {
  const inputIds = new Set(inputs.map((t) => t.id));
  const order: Node[] = [];
  const done = new Set<Node>();
  const visiting = new Set<Node>();
  const visit = (t: SymbolicTensor, consumer: string) => {
    if (inputIds.has(t.id)) return;
    const node = producerOf(t);
    if (!node) {
      throw new Error(
        `Graph disconnected: cannot obtain the value of ${t.name} (from input '${t.sourceLayer.name}') needed by ` +
          `${consumer}. The model's inputs are: ${inputs.map((i) => i.sourceLayer.name).join(', ')}. Pass it as a model input.`,
      );
    }
    if (done.has(node)) return;
    if (visiting.has(node)) throw new Error(`The model graph has a cycle through layer '${node.layer.name}'.`);
    visiting.add(node);
    for (const x of node.inputs) visit(x, `layer '${node.layer.name}'`);
    visiting.delete(node);
    done.add(node);
    order.push(node);
  };
  for (const o of outputs) visit(o, 'the model outputs');
  return order;
}

/** Runs the nodes on concrete inputs; returns the outputs' values and masks. */
export function runGraph(
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  nodes: Node[],
  values: tf.Tensor[],
  masks: Mask[],
  args: CallArgs,
): { outputs: tf.Tensor[]; masks: Mask[] } {
  const value = new Map<number, tf.Tensor>();
  const mask = new Map<number, Mask>();
  inputs.forEach((t, i) => {
    value.set(t.id, values[i]);
    mask.set(t.id, masks[i] ?? null);
  });
  for (const node of nodes) {
    const xs = node.inputs.map((t) => value.get(t.id) as tf.Tensor);
    const ms = node.inputs.map((t) => mask.get(t.id) ?? null);
    const layer: Layer = node.layer;
    const anyMask = ms.some((m) => m !== null);
    const result = layer.invoke(node.inputsAsList ? xs : xs[0], {
      ...node.callKwargs,
      training: args.training,
      mask: anyMask && layer.supportsMasking ? (node.inputsAsList ? ms : ms[0]) : null,
    });
    const outs = Array.isArray(result.outputs) ? result.outputs : [result.outputs];
    const outMasks = Array.isArray(result.mask) ? result.mask : outs.map(() => result.mask as Mask);
    node.outputs.forEach((t, i) => {
      value.set(t.id, outs[i]);
      mask.set(t.id, outMasks[i] ?? null);
    });
  }
  return { outputs: outputs.map((t) => value.get(t.id) as tf.Tensor), masks: outputs.map((t) => mask.get(t.id) ?? null) };
}

export { Node };
