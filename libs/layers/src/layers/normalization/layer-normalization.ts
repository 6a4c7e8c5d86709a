import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';

export interface LayerNormalizationArgs extends LayerArgs, WeightArgs<'beta' | 'gamma'> {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

/** Normalizes each sample over `axis` (default: features) to mean 0 and variance 1, then scales and shifts. */
export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly specs: Record<'beta' | 'gamma', WeightSpec>;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;
  private resolvedAxes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = Array.isArray(args.axis) ? args.axis : [args.axis ?? -1];
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw new Error(`LayerNormalization: \`epsilon\` must be positive. Received: epsilon=${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.specs = weightSpecs(args, { beta: 'zeros', gamma: 'ones' });
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const rank = shape.length;
    this.resolvedAxes = this.axis.map((a) => (a < 0 ? rank + a : a)).sort((a, b) => a - b);
    if (this.resolvedAxes.some((a) => a < 1 || a >= rank || shape[a] === null)) {
      throw new Error(`LayerNormalization '${this.name}': axis ${JSON.stringify(this.axis)} must name known non-batch axes. Received: input shape ${shapeToString(shape)}`);
    }
    const paramShape = this.resolvedAxes.map((a) => shape[a] as number);
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape: paramShape, ...this.specs.gamma });
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape: paramShape, ...this.specs.beta });
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** A parameter of shape paramShape, reshaped to broadcast against an input of `rank`. */
  private broadcastable(p: tf.Tensor, shape: number[]): tf.Tensor {
    const target = shape.map((d, i) => (this.resolvedAxes.includes(i) ? d : 1));
    return tf.reshape(p, target);
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const x = x0.dtype === 'float32' ? x0 : tf.cast(x0, 'float32');
      const { mean, variance } = tf.moments(x, this.resolvedAxes, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, this.broadcastable(this.gamma.read(), x.shape));
      if (this.beta) y = tf.add(y, this.broadcastable(this.beta.read(), x.shape));
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      ...serializeWeightSpecs(this.specs),
    };
  }
}
registerLayer(LayerNormalization);

export const layerNormalization = (args?: LayerNormalizationArgs) => new LayerNormalization(args);
