import * as tf from '@tensorflow/tfjs-core';
import { sgdMomentumUpdate } from '@weft/tensor';
import { check } from '../activations/lookup';
import { Optimizer, type OptimizerArgs } from './optimizer';

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

/** Gradient descent with optional (Nesterov) momentum; Keras defaults: lr 0.01, momentum 0. */
export class SGD extends Optimizer {
  static override className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames = ['momentum'];

  constructor(args: SGDArgs = {}) {
    super(args, { learningRate: 0.01, name: 'SGD' });
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
    check(this.momentum >= 0 && this.momentum <= 1, 'momentum', this.momentum, 'must be in [0, 1]');
  }

  /** Without momentum, a zero gradient leaves its element as it was. */
  protected override get updatesOnlyTouchedRows(): boolean {
    return this.momentum === 0;
  }

  protected updateStep(g: tf.Tensor, v: tf.Variable, lr: number, slot: (n: string) => tf.Variable): void {
    if (this.momentum === 0) {
      v.assign(tf.sub(v, tf.mul(g, lr)));
      return;
    }
    const m = slot('momentum');
    // One pass per variable where the backend has the fused kernel (wasm, cpu): the bits of the ops below,
    // but for state that turns subnormal, which it flushes to zero (as TensorFlow's CPU kernels do).
    const fused = sgdMomentumUpdate({ variable: v, gradient: g, momentum: m }, { learningRate: lr, momentum: this.momentum, nesterov: this.nesterov });
    if (fused) {
      m.assign(fused.momentum);
      v.assign(fused.variable);
      return;
    }
    m.assign(tf.sub(tf.mul(m, this.momentum), tf.mul(g, lr)));
    if (this.nesterov) v.assign(tf.add(v, tf.sub(tf.mul(m, this.momentum), tf.mul(g, lr))));
    else v.assign(tf.add(v, m));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

export const sgd = (args?: SGDArgs) => new SGD(args);
