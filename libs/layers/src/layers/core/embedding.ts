import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import { registerLayer } from '../../engine/registry';
import { declareTouchedRows, distinctRows } from '../../optimizers/touched-rows';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt } from '../../engine/validate';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';

export interface EmbeddingArgs extends LayerArgs, WeightArgs<'embeddings'> {
  inputDim: number;
  outputDim: number;
  /** Index 0 is padding: the output mask is `inputs != 0` (inputDim then counts the padding index). */
  maskZero?: boolean;
  /** Length of input sequences, when constant (declares the input shape [inputLength]). */
  inputLength?: number | null;
}

/** Maps integer indices to dense vectors: output[..., :] = embeddings[input[...]]. */
export class Embedding extends Layer {
  static override className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  private readonly specs: Record<'embeddings', WeightSpec>;
  embeddings: LayerVariable | null = null;

  constructor(args: EmbeddingArgs) {
    const inputLength = args?.inputLength ?? null;
    // inputDim here is the vocabulary size, not LayerArgs' inputShape shorthand.
    const base: LayerArgs = { ...args, inputDim: undefined };
    if (!base.inputShape && !base.batchInputShape && inputLength !== null) base.inputShape = [inputLength];
    super(base);
    this.inputDim = assertPositiveInt(args?.inputDim, 'inputDim', 'Embedding');
    this.outputDim = assertPositiveInt(args.outputDim, 'outputDim', 'Embedding');
    if (inputLength !== null) assertPositiveInt(inputLength, 'inputLength', 'Embedding');
    this.inputLength = inputLength;
    this.maskZero = args.maskZero ?? false;
    this.specs = weightSpecs(args, { embeddings: 'randomUniform' });
    this.supportsMasking = this.maskZero;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight({
      name: 'embeddings',
      shape: [this.inputDim, this.outputDim],
      ...this.specs.embeddings,
      // Its gradient is nonzero only in the rows a batch looked up.
      sparseGradient: true,
    });
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    if (this.inputLength !== null && shape.length >= 2 && shape[1] !== null && shape[1] !== this.inputLength) {
      throw new Error(
        `Embedding '${this.name}': inputLength=${this.inputLength} does not match the input. Received: input shape ${shapeToString(shape)}`,
      );
    }
    return [...shape, this.outputDim];
  }

  protected override get producesMask(): boolean {
    return this.maskZero;
  }

  override computeMask(inputs: Tensors, _mask?: MaskArg): MaskArg {
    if (!this.maskZero) return null;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.notEqual(x, 0);
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const ids = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
      const out = lookUp(this.embeddings!.read() as tf.Tensor2D, tf.reshape(ids, [-1]));
      return tf.reshape(out, [...x.shape, this.outputDim]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      ...serializeWeightSpecs(this.specs),
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}
registerLayer(Embedding);

/**
 * gather(table, ids) with tfjs's gradient (the segment sum of dy over the ids), which also declares
 * the rows it touched (declareTouchedRows): a data-parallel exchange then reads those rows alone,
 * and SGD or Adagrad update them alone, with no search of the table for its nonzero rows.
 */
function lookUp(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const rows = table.shape[0];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        declareTouchedRows(tf.unsortedSegmentSum(dy, saved as tf.Tensor1D, rows), distinctRows(saved.dataSync(), rows)),
    };
  });
  return op(table) as tf.Tensor2D;
}

export const embedding = (args: EmbeddingArgs) => new Embedding(args);
