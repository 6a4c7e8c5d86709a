import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from '@weft/tensor';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import { registerLayer } from '../../engine/registry';
import { isShapeList, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt, assertRate } from '../../engine/validate';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';
import { causalMask, combineMasks, maskAt, maskedSoftmax } from './attention-masks';

export interface MultiHeadAttentionArgs extends LayerArgs, WeightArgs<'kernel' | 'bias'> {
  numHeads: number;
  /** Size of each head's query and key projections. */
  keyDim: number;
  /** Size of each head's value projection (default keyDim). */
  valueDim?: number;
  /** Dropout on the attention weights while training. */
  dropout?: number;
  useBias?: boolean;
  /** Last dimension of the output (default: the query's). */
  outputShape?: number;
}

interface Projection {
  kernel: LayerVariable;
  bias: LayerVariable | null;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), as Keras's MultiHeadAttention.
 * Inputs [query, value] or [query, value, key] ([B, T, dim]); masks [queryMask, valueMask, keyMask]
 * become an attention mask [B, Tq, Tv] (a query step attends to real value steps), combined with
 * the call arguments attentionMask ([B, Tq, Tv], 1 = may attend) and useCausalMask.
 * returnAttentionScores: the output is [output, scores [B, heads, Tq, Tv]].
 */
export class MultiHeadAttention extends Layer {
  static override className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputDim: number | null;
  private readonly specs: Record<'kernel' | 'bias', WeightSpec>;
  private projections: { query: Projection; key: Projection; value: Projection; output: Projection } | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = assertPositiveInt(args?.numHeads, 'numHeads', 'MultiHeadAttention');
    this.keyDim = assertPositiveInt(args.keyDim, 'keyDim', 'MultiHeadAttention');
    this.valueDim = assertPositiveInt(args.valueDim ?? this.keyDim, 'valueDim', 'MultiHeadAttention');
    this.dropout = assertRate(args.dropout ?? 0, 'dropout', 'MultiHeadAttention');
    this.useBias = args.useBias ?? true;
    this.outputDim = args.outputShape === undefined ? null : assertPositiveInt(args.outputShape, 'outputShape', 'MultiHeadAttention');
    this.specs = weightSpecs(args, { kernel: 'glorotUniform', bias: 'zeros' });
    this.supportsMasking = true;
  }

  private shapes(inputShape: Shape | Shape[]): [Shape, Shape, Shape] {
    if (!isShapeList(inputShape) || inputShape.length < 2 || inputShape.length > 3 || inputShape.some((s) => s.length !== 3)) {
      throw new Error(
        `MultiHeadAttention '${this.name}' expects inputs [query, value] or [query, value, key], each [batch, steps, dim]. Received: input shape ${shapeToString(inputShape)}`,
      );
    }
    return [inputShape[0], inputShape[1], inputShape[2] ?? inputShape[1]];
  }

  private projection(name: string, kernelShape: number[], biasShape: number[]): Projection {
    const kernel = this.addWeight({ name: `${name}/kernel`, shape: kernelShape, ...this.specs.kernel });
    const bias = this.useBias ? this.addWeight({ name: `${name}/bias`, shape: biasShape, ...this.specs.bias }) : null;
    return { kernel, bias };
  }

  override build(inputShape: Shape | Shape[]): void {
    const [query, value, key] = this.shapes(inputShape);
    const dim = (s: Shape, what: string) => {
      const d = s[2];
      if (d === null) throw new Error(`MultiHeadAttention '${this.name}' needs a known ${what} dim. Received: ${shapeToString(s)}`);
      return d;
    };
    const queryDim = dim(query, 'query');
    const h = this.numHeads;
    this.projections = {
      query: this.projection('query', [queryDim, h, this.keyDim], [h, this.keyDim]),
      key: this.projection('key', [dim(key, 'key'), h, this.keyDim], [h, this.keyDim]),
      value: this.projection('value', [dim(value, 'value'), h, this.valueDim], [h, this.valueDim]),
      output: this.projection('attention_output', [h, this.valueDim, this.outputDim ?? queryDim], [this.outputDim ?? queryDim]),
    };
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [query] = this.shapes(inputShape);
    return [query[0], query[1], this.outputDim ?? query[2]];
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const queryMask = Array.isArray(mask) ? mask[0] ?? null : null;
    return queryMask ? queryMask.clone() : null;
  }

  /** [B, T, dim] -> [B, heads, T, size] through a [dim, heads, size] kernel. */
  private split(x: tf.Tensor3D, p: Projection): tf.Tensor4D {
    const [batch, steps, dim] = x.shape;
    const [, heads, size] = p.kernel.shape;
    let y: tf.Tensor = tf.matMul(tf.reshape(x, [batch * steps, dim]), tf.reshape(p.kernel.read(), [dim, heads * size]));
    if (p.bias) y = tf.add(y, tf.reshape(p.bias.read(), [heads * size]));
    return tf.transpose(tf.reshape(y, [batch, steps, heads, size]), [0, 2, 1, 3]);
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
        throw new Error(`MultiHeadAttention '${this.name}' expects inputs [query, value] or [query, value, key].`);
      }
      const [query, value, key = value] = inputs as tf.Tensor3D[];
      const p = this.projections!;
      const [batch, queryLength] = query.shape;
      const valueLength = value.shape[1];
      const q = tf.mul(this.split(query, p.query), 1 / Math.sqrt(this.keyDim));
      const k = this.split(key, p.key);
      const v = this.split(value, p.value);
      const queryMask = maskAt(args.mask, 0);
      const valueMask = maskAt(args.mask, 1);
      const keyMask = maskAt(args.mask, 2);
      const attentionMask = args.attentionMask as tf.Tensor | undefined;
      const allowed = combineMasks(
        queryMask ? tf.expandDims(queryMask, 2) : null,
        valueMask ? tf.expandDims(valueMask, 1) : null,
        keyMask ? tf.expandDims(keyMask, 1) : null,
        args.useCausalMask ? tf.expandDims(causalMask(queryLength, valueLength), 0) : null,
        attentionMask ?? null,
      );
      const scores = tf.matMul(q, k, false, true); // [B, H, Tq, Tv]
      let weights = maskedSoftmax(scores, allowed ? tf.expandDims(allowed, 1) : null);
      if (args.training && this.dropout > 0) weights = tf.mul(weights, dropoutMask(weights.shape, this.dropout));
      const context = tf.transpose(tf.matMul(weights as tf.Tensor4D, v), [0, 2, 1, 3]); // [B, Tq, H, dv]
      const [heads, size, outDim] = p.output.kernel.shape;
      let output: tf.Tensor = tf.matMul(
        tf.reshape(context, [batch * queryLength, heads * size]),
        tf.reshape(p.output.kernel.read(), [heads * size, outDim]),
      );
      if (p.output.bias) output = tf.add(output, p.output.bias.read());
      output = tf.reshape(output, [batch, queryLength, outDim]);
      return args.returnAttentionScores ? [output, weights] : output;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      ...(this.outputDim !== null ? { outputShape: this.outputDim } : {}),
      ...serializeWeightSpecs(this.specs),
    };
  }
}
registerLayer(MultiHeadAttention);

export const multiHeadAttention = (args: MultiHeadAttentionArgs) => new MultiHeadAttention(args);
