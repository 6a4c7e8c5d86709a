import * as tf from '@tensorflow/tfjs-core';
import { Layer, SymbolicTensor, type CallArgs, type Tensors } from './layer';
import { registerLayer } from './registry';
import { shapeToString, type Shape } from './shape';

export interface InputLayerArgs {
  name?: string;
  batchInputShape: Shape;
  dtype?: tf.DataType;
}

/** The source of a functional model's input: holds the shape and dtype the model expects. */
export class InputLayer extends Layer {
  static override className = 'InputLayer';
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs) {
    super({ name: args.name, batchInputShape: args.batchInputShape, dtype: args.dtype });
    this.built = true;
    this.supportsMasking = true;
    this.output = new SymbolicTensor(args.batchInputShape, this.dtype, this, 0, 0, this.name);
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, batchInputShape: this.batchInputShape, dtype: this.dtype };
  }
}
registerLayer(InputLayer);

export interface InputArgs {
  /** Shape without the batch axis. */
  shape?: Shape;
  batchShape?: Shape;
  batchSize?: number;
  name?: string;
  dtype?: tf.DataType;
}

/** A symbolic model input (Keras's `keras.Input`). */
export function input(args: InputArgs): SymbolicTensor {
  let batchShape = args.batchShape;
  if (!batchShape) {
    if (!args.shape) throw new Error('input() needs `shape` (without the batch axis) or `batchShape`. Received: neither');
    batchShape = [args.batchSize ?? null, ...args.shape];
  }
  if (!Array.isArray(batchShape) || batchShape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
    throw new Error(`input() shape sizes must be non-negative integers or null. Received: shape=${shapeToString(batchShape ?? [])}`);
  }
  return new InputLayer({ name: args.name, batchInputShape: batchShape, dtype: args.dtype }).output;
}
