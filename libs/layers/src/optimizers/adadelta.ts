import * as tf from '@tensorflow/tfjs-core';
import { adadeltaUpdate } from '@weft/tensor';
import { Optimizer, type OptimizerArgs } from './optimizer';

export interface AdadeltaArgs extends OptimizerArgs {
  rho?: number;
  epsilon?: number;
}

/** Keras 3's Adadelta: lr 0.001, rho 0.95, epsilon 1e-7. */
export class Adadelta extends Optimizer {
  static override className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  protected readonly slotNames = ['accumulatedGrad', 'accumulatedDeltaVar'];

  constructor(args: AdadeltaArgs = {}) {
    super(args, { learningRate: 0.001, name: 'adadelta' });
    this.rho = args.rho ?? 0.95;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected updateStep(g: tf.Tensor, v: tf.Variable, lr: number, slot: (n: string) => tf.Variable): void {
    const accGrad = slot('accumulatedGrad');
    const accDelta = slot('accumulatedDeltaVar');
    // One pass per variable where the backend has the fused kernel (wasm, cpu): the bits of the ops below,
    // but for state that turns subnormal, which it flushes to zero (as TensorFlow's CPU kernels do).
    const fused = adadeltaUpdate({ variable: v, gradient: g, accumulatedGrad: accGrad, accumulatedDelta: accDelta }, { learningRate: lr, rho: this.rho, epsilon: this.epsilon });
    if (fused) {
      accGrad.assign(fused.accumulatedGrad);
      accDelta.assign(fused.accumulatedDelta);
      v.assign(fused.variable);
      return;
    }
    const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, this.epsilon));
    accGrad.assign(tf.add(tf.mul(accGrad, this.rho), tf.mul(tf.square(g), 1 - this.rho)));
    const delta = tf.neg(tf.div(tf.mul(g, rms(accDelta)), rms(accGrad)));
    accDelta.assign(tf.add(tf.mul(accDelta, this.rho), tf.mul(tf.square(delta), 1 - this.rho)));
    v.assign(tf.add(v, tf.mul(delta, lr)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

export const adadelta = (args?: AdadeltaArgs) => new Adadelta(args);
