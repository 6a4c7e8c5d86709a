import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import {
  getConstraint,
  getInitializer,
  getRegularizer,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
  type Constraint,
  type Initializer,
  type Regularizer,
  type ConstraintId,
  type InitializerId,
  type RegularizerId,
} from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt } from '../../engine/validate';

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerId;
  embeddingsRegularizer?: RegularizerId;
  embeddingsConstraint?: ConstraintId;
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
  private readonly embeddingsInitializer: Initializer;
  private readonly embeddingsRegularizer: Regularizer | null;
  private readonly embeddingsConstraint: Constraint | null;
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
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
    this.embeddingsRegularizer = getRegularizer(args.embeddingsRegularizer ?? null);
    this.embeddingsConstraint = getConstraint(args.embeddingsConstraint ?? null);
    this.supportsMasking = this.maskZero;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight({
      name: 'embeddings',
      shape: [this.inputDim, this.outputDim],
      initializer: this.embeddingsInitializer,
      regularizer: this.embeddingsRegularizer,
      constraint: this.embeddingsConstraint,
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
      const flat = tf.reshape(ids, [-1]);
      const out = tf.gather(this.embeddings!.read(), flat);
      return tf.reshape(out, [...x.shape, this.outputDim]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
      embeddingsRegularizer: serializeRegularizer(this.embeddingsRegularizer),
      embeddingsConstraint: serializeConstraint(this.embeddingsConstraint),
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}
registerLayer(Embedding);

export const embedding = (args: EmbeddingArgs) => new Embedding(args);
