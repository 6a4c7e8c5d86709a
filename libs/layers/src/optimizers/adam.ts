import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from '@weft/tensor';
import { Optimizer, type OptimizerArgs } from './optimizer';

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad?: boolean;
}

/**
 * Keras 3's Adam: w -= m * alpha / (sqrt(v) + epsilon), alpha = lr * sqrt(1 - b2^t) / (1 - b1^t).
 * (tfjs's Adam adds epsilon to the bias-corrected sqrt(v) instead, a slightly different rule.)
 */
export class Adam extends Optimizer {
  static override className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected readonly slotNames = ['momentum', 'velocity', 'velocityHat'];

  constructor(args: AdamArgs = {}, defaults = { learningRate: 0.001, name: 'adam' }) {
    super(args, defaults);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
  }

  protected updateStep(g: tf.Tensor, v: tf.Variable, lr: number, slot: (n: string) => tf.Variable): void {
    const step = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(this.beta2, step))) / (1 - Math.pow(this.beta1, step));
    const m = slot('momentum');
    const velocity = slot('velocity');
    const vHat = this.amsgrad ? slot('velocityHat') : undefined;
    // One pass per variable where the backend has the fused kernel (wasm, cpu): the bits of the ops below,
    // but for state that turns subnormal, which it flushes to zero (as TensorFlow's CPU kernels do).
    const fused = adamUpdate(
      { variable: v, gradient: g, momentum: m, velocity, velocityHat: vHat },
      { alpha, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad },
    );
    if (fused) {
      m.assign(fused.momentum);
      velocity.assign(fused.velocity);
      if (vHat) vHat.assign(fused.velocityHat!);
      v.assign(fused.variable);
      return;
    }
    m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - this.beta1)));
    velocity.assign(tf.add(velocity, tf.mul(tf.sub(tf.square(g), velocity), 1 - this.beta2)));
    let second: tf.Tensor = velocity;
    if (vHat) {
      vHat.assign(tf.maximum(vHat, velocity));
      second = vHat;
    }
    v.assign(tf.sub(v, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(second), this.epsilon))));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

export const adam = (args?: AdamArgs) => new Adam(args);
