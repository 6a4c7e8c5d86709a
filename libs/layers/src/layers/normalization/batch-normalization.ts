import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import { getInitializer, type Initializer, type InitializerId } from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';

export interface BatchNormalizationArgs extends LayerArgs, WeightArgs<'beta' | 'gamma'> {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  movingMeanInitializer?: InitializerId;
  movingVarianceInitializer?: InitializerId;
}

/**
 * Normalizes over the batch (and all axes but `axis`). Training: batch statistics, and the moving
 * statistics move toward them (moving = moving * momentum + batch * (1 - momentum), Keras 3).
 * Inference: the moving statistics.
 */
export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly specs: Record<'beta' | 'gamma', WeightSpec>;
  /** The moving statistics are state, not trained: an initializer each, no regularizer or constraint. */
  private readonly movingInitializers: Record<'movingMean' | 'movingVariance', Initializer>;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;
  movingMean: LayerVariable | null = null;
  movingVariance: LayerVariable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`BatchNormalization: \`momentum\` must be in [0, 1]. Received: momentum=${args.momentum}`);
    if (!(this.epsilon > 0)) throw new Error(`BatchNormalization: \`epsilon\` must be positive. Received: epsilon=${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.specs = weightSpecs(args, { beta: 'zeros', gamma: 'ones' });
    this.movingInitializers = {
      movingMean: getInitializer(args.movingMeanInitializer ?? 'zeros'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? 'ones'),
    };
    this.supportsMasking = true;
  }

  private resolvedAxis(rank: number): number {
    return this.axis < 0 ? rank + this.axis : this.axis;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const axis = this.resolvedAxis(shape.length);
    const dim = shape[axis];
    if (axis < 1 || axis >= shape.length || dim === null) {
      throw new Error(`BatchNormalization '${this.name}': axis ${this.axis} must be a known non-batch axis. Received: input shape ${shapeToString(shape)}`);
    }
    this.inputSpec = { ndim: shape.length, axes: { [axis]: dim } };
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape: [dim], ...this.specs.gamma });
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape: [dim], ...this.specs.beta });
    this.movingMean = this.addWeight({ name: 'moving_mean', shape: [dim], initializer: this.movingInitializers.movingMean, trainable: false });
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape: [dim], initializer: this.movingInitializers.movingVariance, trainable: false });
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const x = x0.dtype === 'float32' ? x0 : tf.cast(x0, 'float32');
      const axis = this.resolvedAxis(x.rank);
      const paramShape = x.shape.map((d, i) => (i === axis ? d : 1));
      const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (args.training) {
        const m = tf.moments(x, reduce, true);
        mean = m.mean;
        variance = m.variance;
        // Moving statistics are state, not part of the gradient.
        const batchMean = tf.reshape(mean, [-1]);
        const batchVar = tf.reshape(variance, [-1]);
        const mm = this.movingMean!;
        const mv = this.movingVariance!;
        mm.assign(tf.add(tf.mul(mm.read(), this.momentum), tf.mul(batchMean, 1 - this.momentum)));
        mv.assign(tf.add(tf.mul(mv.read(), this.momentum), tf.mul(batchVar, 1 - this.momentum)));
      } else {
        mean = tf.reshape(this.movingMean!.read(), paramShape);
        variance = tf.reshape(this.movingVariance!.read(), paramShape);
      }
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, tf.reshape(this.gamma.read(), paramShape));
      if (this.beta) y = tf.add(y, tf.reshape(this.beta.read(), paramShape));
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      ...serializeWeightSpecs(this.specs, { initializers: this.movingInitializers }),
    };
  }
}
registerLayer(BatchNormalization);

export const batchNormalization = (args?: BatchNormalizationArgs) => new BatchNormalization(args);
