import * as tf from '@tensorflow/tfjs-core';
import { Metric, checkStateLength, divideNoNan, type MetricArgs } from './metric';

/**
 * The (weighted) mean of values, e.g. the loss over an epoch. Like Keras, values are first
 * averaged per sample (over the axes the weight does not have), so every sample counts once.
 */
export class Mean extends Metric {
  static override className = 'Mean';
  private total = 0;
  private count = 0;

  constructor(args: MetricArgs = {}) {
    super(args, 'mean');
  }

  /** values: a number or a tensor whose first axis is the batch; sampleWeight: per sample or a scalar. */
  override updateState(values: tf.Tensor | number, sampleWeight?: tf.Tensor | number | null): void {
    const [total, count] = tf.tidy(() => {
      let v = tf.cast(typeof values === 'number' ? tf.scalar(values) : values, 'float32');
      let count: tf.Tensor | number;
      if (sampleWeight !== null && sampleWeight !== undefined) {
        let w = tf.cast(typeof sampleWeight === 'number' ? tf.scalar(sampleWeight) : sampleWeight, 'float32');
        if (w.rank === v.rank + 1 && w.shape[w.rank - 1] === 1) w = tf.squeeze(w, [w.rank - 1]);
        else if (v.rank === w.rank + 1 && v.shape[v.rank - 1] === 1) v = tf.squeeze(v, [v.rank - 1]);
        if (v.rank > w.rank) v = tf.mean(v, range(w.rank, v.rank));
        if (!broadcastable(w.shape, v.shape)) {
          throw new Error(
            `${this.name}: sampleWeight of shape [${w.shape}] does not match values of shape ` +
              `[${v.shape}]. Pass one weight per sample.`,
          );
        }
        w = tf.broadcastTo(w, v.shape);
        v = tf.mul(v, w);
        count = tf.sum(w.rank > 1 ? tf.mean(w, range(1, w.rank)) : w);
      } else count = v.rank >= 1 ? v.shape[0] : 1;
      const samplewise = v.rank > 1 ? tf.mean(v, range(1, v.rank)) : v;
      return [tf.sum(samplewise), typeof count === 'number' ? tf.scalar(count) : count];
    });
    const stacked = tf.stack([total, count]);
    const data = stacked.dataSync();
    tf.dispose([total, count, stacked]);
    this.total += data[0];
    this.count += data[1];
  }

  result(): number {
    return divideNoNan(this.total, this.count);
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }

  getState(): number[] {
    return [this.total, this.count];
  }

  setState(values: number[]): void {
    checkStateLength(this, values, 2);
    [this.total, this.count] = values;
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function broadcastable(from: number[], to: number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[offset + i]);
}

export const mean = (args?: MetricArgs) => new Mean(args);
