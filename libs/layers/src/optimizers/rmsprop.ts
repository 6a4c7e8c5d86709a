import * as tf from '@tensorflow/tfjs-core';
import { rmspropUpdate } from '@weft/tensor';
import { Optimizer, type OptimizerArgs } from './optimizer';

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  /** Normalise by the variance (not the second moment) of the gradient. */
  centered?: boolean;
}

/** Keras 3's RMSprop: lr 0.001, rho 0.9, epsilon 1e-7 inside the square root. */
export class RMSprop extends Optimizer {
  static override className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  protected readonly slotNames = ['velocity', 'momentum', 'averageGradient'];

  constructor(args: RMSpropArgs = {}) {
    super(args, { learningRate: 0.001, name: 'rmsprop' });
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
  }

  protected updateStep(g: tf.Tensor, v: tf.Variable, lr: number, slot: (n: string) => tf.Variable): void {
    const velocity = slot('velocity');
    // One pass per variable where the backend has the fused kernel (wasm, cpu): the bits of the ops below,
    // but for state that turns subnormal, which it flushes to zero (as TensorFlow's CPU kernels do).
    if (!this.centered) {
      const m = this.momentum > 0 ? slot('momentum') : undefined;
      const fused = rmspropUpdate({ variable: v, gradient: g, velocity, momentum: m }, { learningRate: lr, rho: this.rho, epsilon: this.epsilon, momentum: this.momentum });
      if (fused) {
        velocity.assign(fused.velocity);
        if (m) m.assign(fused.momentum!);
        v.assign(fused.variable);
        return;
      }
    }
    velocity.assign(tf.add(tf.mul(velocity, this.rho), tf.mul(tf.square(g), 1 - this.rho)));
    let denominator: tf.Tensor;
    if (this.centered) {
      const average = slot('averageGradient');
      average.assign(tf.add(tf.mul(average, this.rho), tf.mul(g, 1 - this.rho)));
      denominator = tf.add(tf.sub(velocity, tf.square(average)), this.epsilon);
    } else denominator = tf.add(velocity, this.epsilon);
    const increment = tf.div(tf.mul(g, lr), tf.sqrt(denominator));
    if (this.momentum > 0) {
      const m = slot('momentum');
      m.assign(tf.add(tf.mul(m, this.momentum), increment));
      v.assign(tf.sub(v, m));
    } else v.assign(tf.sub(v, increment));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

export const rmsprop = (args?: RMSpropArgs) => new RMSprop(args);
