import { tf } from '@weft/tensor';
import type { Dataset } from './dataset';
import type { DenseArray } from './ops/padded-batch';

/** A padded batch of supervised examples: inputs and targets (see Dataset.paddedBatch). */
export interface XYBatch {
  x: DenseArray;
  y: DenseArray;
}

export interface TensorDtypes {
  /** Default int32 (token ids). */
  x?: 'int32' | 'float32';
  /** Default float32 (binary labels); int32 for class indices if you prefer. */
  y?: 'int32' | 'float32';
}

export const denseToTensor = (dense: DenseArray, dtype: 'int32' | 'float32'): tf.Tensor => tf.tensor(dense.values, dense.shape, dtype);

/** A padded batch as tensors {xs, ys}, ready for model.trainOnBatch / fit. The caller disposes them. */
export function batchToTensors(batch: XYBatch, dtypes: TensorDtypes = {}): { xs: tf.Tensor; ys: tf.Tensor } {
  return { xs: denseToTensor(batch.x, dtypes.x ?? 'int32'), ys: denseToTensor(batch.y, dtypes.y ?? 'float32') };
}

function concatDense(parts: DenseArray[], what: string): DenseArray {
  const tail = parts[0].shape.slice(1);
  parts.forEach((p, i) => {
    if (p.shape.length !== tail.length + 1 || p.shape.slice(1).some((d, j) => d !== tail[j])) {
      throw new Error(
        `datasetToTensors: batch ${i}'s ${what} has shape [${p.shape}], batch 0's [${parts[0].shape}]. ` +
          'Give paddedBatch a fixed length ({ length }) so every batch has the same width.',
      );
    }
  });
  const values: number[] = [];
  for (const p of parts) for (const v of p.values) values.push(v);
  return { shape: [parts.reduce((n, p) => n + p.shape[0], 0), ...tail], values };
}

/**
 * One epoch of padded batches, concatenated into two tensors {xs, ys} (for fit(x, y) on data
 * that fits in memory). Every batch must have the same width: pad to a fixed length.
 */
export async function datasetToTensors(dataset: Dataset<XYBatch>, dtypes: TensorDtypes = {}): Promise<{ xs: tf.Tensor; ys: tf.Tensor }> {
  const batches = await dataset.toArray(0);
  if (batches.length === 0) throw new Error('datasetToTensors: the dataset is empty.');
  return batchToTensors({ x: concatDense(batches.map((b) => b.x), 'x'), y: concatDense(batches.map((b) => b.y), 'y') }, dtypes);
}
