import { tf } from '@weft/tensor';
import type { Rows } from '@weft/layers';

/** A data tensor as plain rows: what ships to the workers (shared memory between threads). */
export interface RowData {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}


/** Copies a tensor's values out once; into a SharedArrayBuffer when `shared`, so threads read it without copies. */
export function toRowData(tensor: tf.Tensor, what: string, shared: boolean): RowData {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    throw new Error(`DataParallel: ${what} must be float32 or int32 (cast it with tf.cast). Received: dtype=${tensor.dtype}`);
  }
  const source = tensor.dataSync() as Float32Array | Int32Array;
  const buffer = shared ? new SharedArrayBuffer(source.byteLength) : new ArrayBuffer(source.byteLength);
  const values = tensor.dtype === 'float32' ? new Float32Array(buffer) : new Int32Array(buffer);
  values.set(source);
  return { dtype: tensor.dtype, shape: tensor.shape, values };
}

function rowSize(data: RowData): number {
  return data.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Rows [start, end) as a view (no copy). */
export function rowRange(data: RowData, start: number, end: number): RowData {
  const size = rowSize(data);
  return { ...data, shape: [end - start, ...data.shape.slice(1)], values: data.values.subarray(start * size, end * size) };
}

/** A tensor of the given rows (the values copied out of the shared data). */
export function rowsToTensor(data: RowData, rows: Rows): tf.Tensor {
  const size = rowSize(data);
  let values: Float32Array | Int32Array;
  let count: number;
  if (rows instanceof Int32Array) {
    count = rows.length;
    values = data.dtype === 'float32' ? new Float32Array(count * size) : new Int32Array(count * size);
    rows.forEach((row, i) => values.set(data.values.subarray(row * size, (row + 1) * size), i * size));
  } else {
    count = rows[1] - rows[0];
    values = data.values.slice(rows[0] * size, rows[1] * size);
  }
  return tf.tensor(values, [count, ...data.shape.slice(1)], data.dtype);
}
