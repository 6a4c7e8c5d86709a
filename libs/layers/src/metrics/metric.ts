import type * as tf from '@tensorflow/tfjs-core';

export interface MetricArgs {
  name?: string;
}

/**
 * A stateful metric. Its state is plain numbers that SUM across data-parallel replicas
 * (totals and counts, confusion counts): a distribution adds every replica's getState()
 * element-wise and calls setState() with the sum, and result() then equals one pass over all data.
 */
export abstract class Metric {
  static className: string;
  readonly name: string;

  constructor(args: MetricArgs, defaultName: string) {
    this.name = args.name ?? defaultName;
  }

  /** Accumulates a batch. Masks arrive as sampleWeight (0 = ignore). */
  abstract updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void;

  abstract result(): number;

  abstract resetState(): void;

  abstract getState(): number[];

  abstract setState(values: number[]): void;

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

export function checkStateLength(metric: Metric, values: number[], expected: number): void {
  if (values.length !== expected) {
    throw new Error(
      `${metric.name}.setState expects ${expected} numbers (as returned by getState). ` +
        `Received: ${values.length}`,
    );
  }
}

/** x / y, or 0 when y is 0 (Keras's divide_no_nan). */
export const divideNoNan = (x: number, y: number) => (y === 0 ? 0 : x / y);
