import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { getActivation, serializeActivation, type Activation, type ActivationId } from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt, assertRate } from '../../engine/validate';
import { Dense } from '../core/dense';
import { LayerNormalization } from '../normalization/layer-normalization';
import { Dropout } from '../regularization/dropout';
import { MultiHeadAttention } from './multi-head-attention';

export interface TransformerEncoderArgs extends LayerArgs {
  /** Hidden size of the feed-forward block. */
  intermediateDim: number;
  /** Attention heads; the input dim must divide by it (each head gets dim / numHeads). */
  numHeads: number;
  dropout?: number;
  /** Activation of the feed-forward block's first layer (default relu). */
  activation?: ActivationId;
  layerNormEpsilon?: number;
  /** Pre-norm (normalise before each block) instead of the original post-norm. */
  normalizeFirst?: boolean;
}

/**
 * One Transformer encoder block (Vaswani et al. 2017; KerasNLP's TransformerEncoder): self
 * multi-head attention and a two-layer feed-forward network, each with dropout, a residual
 * connection and layer normalization. A [batch, steps] padding mask keeps padded steps from being
 * attended to, and passes through; the call argument attentionMask ([B, T, T]) restricts further.
 */
export class TransformerEncoder extends Layer {
  static override className = 'TransformerEncoder';
  readonly intermediateDim: number;
  readonly numHeads: number;
  readonly dropoutRate: number;
  readonly activation: Activation;
  readonly layerNormEpsilon: number;
  readonly normalizeFirst: boolean;
  private parts: {
    attention: MultiHeadAttention;
    attentionNorm: LayerNormalization;
    attentionDropout: Dropout;
    intermediate: Dense;
    output: Dense;
    feedForwardNorm: LayerNormalization;
    feedForwardDropout: Dropout;
  } | null = null;

  constructor(args: TransformerEncoderArgs) {
    super(args);
    this.intermediateDim = assertPositiveInt(args?.intermediateDim, 'intermediateDim', 'TransformerEncoder');
    this.numHeads = assertPositiveInt(args.numHeads, 'numHeads', 'TransformerEncoder');
    this.dropoutRate = assertRate(args.dropout ?? 0, 'dropout', 'TransformerEncoder');
    this.activation = getActivation(args.activation === undefined ? 'relu' : args.activation);
    this.layerNormEpsilon = args.layerNormEpsilon ?? 1e-5;
    this.normalizeFirst = args.normalizeFirst ?? false;
    this.supportsMasking = true;
    this.inputSpec = { ndim: 3 };
  }

  override get subLayers(): Layer[] {
    return this.parts ? Object.values(this.parts) : [];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const dim = shape[2];
    if (dim === null || dim % this.numHeads !== 0) {
      throw new Error(
        `TransformerEncoder '${this.name}': the feature size must be known and divisible by numHeads=${this.numHeads}. Received: input shape ${shapeToString(shape)}`,
      );
    }
    const part = (suffix: string) => `${this.name}_${suffix}`;
    this.parts = {
      attention: new MultiHeadAttention({ name: part('self_attention'), numHeads: this.numHeads, keyDim: dim / this.numHeads, dropout: this.dropoutRate }),
      attentionNorm: new LayerNormalization({ name: part('self_attention_norm'), epsilon: this.layerNormEpsilon }),
      attentionDropout: new Dropout({ name: part('self_attention_dropout'), rate: this.dropoutRate }),
      intermediate: new Dense({ name: part('intermediate'), units: this.intermediateDim, activation: this.activation }),
      output: new Dense({ name: part('output'), units: dim }),
      feedForwardNorm: new LayerNormalization({ name: part('feedforward_norm'), epsilon: this.layerNormEpsilon }),
      feedForwardDropout: new Dropout({ name: part('feedforward_dropout'), rate: this.dropoutRate }),
    };
    const p = this.parts;
    const build = (layer: Layer, s: Shape | Shape[]) => {
      layer.build(s);
      layer.built = true;
    };
    build(p.attention, [shape, shape]);
    build(p.attentionNorm, shape);
    build(p.intermediate, shape);
    build(p.output, [shape[0], shape[1], this.intermediateDim]);
    build(p.feedForwardNorm, shape);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    return m ? m.clone() : null;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
      const p = this.parts!;
      const training = args.training;
      const padding = (Array.isArray(args.mask) ? args.mask[0] : args.mask) ?? null;
      const norm = (layer: LayerNormalization, v: tf.Tensor) => layer.apply(v) as tf.Tensor;

      let residual = x0;
      let x = this.normalizeFirst ? norm(p.attentionNorm, x0) : x0;
      x = p.attention.apply([x, x], {
        mask: [null, padding],
        attentionMask: args.attentionMask,
        training,
      }) as tf.Tensor;
      x = tf.add(p.attentionDropout.apply(x, { training }) as tf.Tensor, residual);
      if (!this.normalizeFirst) x = norm(p.attentionNorm, x);

      residual = x;
      if (this.normalizeFirst) x = norm(p.feedForwardNorm, x);
      x = p.output.apply(p.intermediate.apply(x)) as tf.Tensor;
      x = tf.add(p.feedForwardDropout.apply(x, { training }) as tf.Tensor, residual);
      if (!this.normalizeFirst) x = norm(p.feedForwardNorm, x);
      return x;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      intermediateDim: this.intermediateDim,
      numHeads: this.numHeads,
      dropout: this.dropoutRate,
      activation: serializeActivation(this.activation),
      layerNormEpsilon: this.layerNormEpsilon,
      normalizeFirst: this.normalizeFirst,
    };
  }
}
registerLayer(TransformerEncoder);

export const transformerEncoder = (args: TransformerEncoderArgs) => new TransformerEncoder(args);
