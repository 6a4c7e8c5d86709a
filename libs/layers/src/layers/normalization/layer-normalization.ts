import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import {
  getConstraint,
  getInitializer,
  getRegularizer,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
  type Constraint,
  type ConstraintId,
  type Initializer,
  type InitializerId,
  type Regularizer,
  type RegularizerId,
} from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  betaRegularizer?: RegularizerId;
  gammaRegularizer?: RegularizerId;
  betaConstraint?: ConstraintId;
  gammaConstraint?: ConstraintId;
}

/** Normalizes each sample over `axis` (default: features) to mean 0 and variance 1, then scales and shifts. */
export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly init: { beta: Initializer; gamma: Initializer };
  private readonly reg: { beta: Regularizer | null; gamma: Regularizer | null };
  private readonly con: { beta: Constraint | null; gamma: Constraint | null };
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
    this.init = { beta: getInitializer(args.betaInitializer ?? 'zeros'), gamma: getInitializer(args.gammaInitializer ?? 'ones') };
    this.reg = { beta: getRegularizer(args.betaRegularizer), gamma: getRegularizer(args.gammaRegularizer) };
    this.con = { beta: getConstraint(args.betaConstraint), gamma: getConstraint(args.gammaConstraint) };
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
    if (this.scale) {
      this.gamma = this.addWeight({ name: 'gamma', shape: paramShape, initializer: this.init.gamma, regularizer: this.reg.gamma, constraint: this.con.gamma });
    }
    if (this.center) {
      this.beta = this.addWeight({ name: 'beta', shape: paramShape, initializer: this.init.beta, regularizer: this.reg.beta, constraint: this.con.beta });
    }
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
      betaInitializer: serializeInitializer(this.init.beta),
      gammaInitializer: serializeInitializer(this.init.gamma),
      betaRegularizer: serializeRegularizer(this.reg.beta),
      gammaRegularizer: serializeRegularizer(this.reg.gamma),
      betaConstraint: serializeConstraint(this.con.beta),
      gammaConstraint: serializeConstraint(this.con.gamma),
    };
  }
}
registerLayer(LayerNormalization);

export const layerNormalization = (args?: LayerNormalizationArgs) => new LayerNormalization(args);
