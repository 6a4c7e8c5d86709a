import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from './layer';
import { shapeToString, type Shape } from './shape';

let nextId = 0;

/**
 * A placeholder for a tensor in a functional model: its shape and dtype, and the node (layer
 * call) that produces it. Calling a layer on SymbolicTensors records a Node instead of computing.
 */
export class SymbolicTensor {
  readonly id = nextId++;

  constructor(
    readonly shape: Shape,
    readonly dtype: tf.DataType,
    readonly sourceLayer: Layer,
    readonly nodeIndex: number,
    readonly tensorIndex: number,
    readonly name: string,
  ) {}

  /** Shape without the batch axis: what `input({shape})` took. */
  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(${this.name}, shape=${shapeToString(this.shape)}, dtype=${this.dtype})`;
  }
}

/** One call of a layer in a functional graph. */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    /** True when the layer was called with a list (even of one), so it gets a list back at run time. */
    readonly inputsAsList: boolean,
    /** Plain (non-tensor) call arguments recorded at graph construction, replayed at run time. */
    readonly callKwargs: Record<string, unknown>,
  ) {}
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}
