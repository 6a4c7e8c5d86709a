import * as tf from '@tensorflow/tfjs-core';
import { adagradUpdate } from '@weft/tensor';
import { check } from '../activations/lookup';
import { Optimizer, type OptimizerArgs } from './optimizer';

export interface AdagradArgs extends OptimizerArgs {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Keras 3's Adagrad: lr 0.001, accumulators start at 0.1. */
export class Adagrad extends Optimizer {
  static override className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  protected readonly slotNames = ['accumulator'];

  constructor(args: AdagradArgs = {}) {
    super(args, { learningRate: 0.001, name: 'adagrad' });
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
    check(this.initialAccumulatorValue >= 0, 'initialAccumulatorValue', this.initialAccumulatorValue, 'must be non-negative');
  }

  /** A zero gradient adds 0 to the accumulator and moves the weight by 0 / sqrt(accumulator + epsilon) = 0, while that is positive. */
  protected override get updatesOnlyTouchedRows(): boolean {
    return Math.fround(this.epsilon) > 0 || Math.fround(this.initialAccumulatorValue) > 0;
  }

  protected updateStep(
    g: tf.Tensor, v: tf.Variable, lr: number, slot: (n: string, init?: number) => tf.Variable,
  ): void {
    const accumulator = slot('accumulator', this.initialAccumulatorValue);
    // One pass per variable where the backend has the fused kernel (wasm, cpu): the bits of the ops below.
    const fused = adagradUpdate({ variable: v, gradient: g, accumulator }, { learningRate: lr, epsilon: this.epsilon });
    if (fused) {
      accumulator.assign(fused.accumulator);
      v.assign(fused.variable);
      return;
    }
    accumulator.assign(tf.add(accumulator, tf.square(g)));
    v.assign(tf.sub(v, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(accumulator, this.epsilon)))));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

export const adagrad = (args?: AdagradArgs) => new Adagrad(args);
