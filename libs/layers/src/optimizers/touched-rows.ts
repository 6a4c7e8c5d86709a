import * as tf from '@tensorflow/tfjs-core';

const touched = new WeakMap<tf.Tensor, Int32Array>();

/**
 * Declares that every row of the 2-D `gradient` outside `rows` (ascending, distinct) is exactly
 * +0, as in an embedding gradient that a data-parallel distribution rebuilt from the rows the
 * ranks exchanged. An optimizer whose update leaves such rows unchanged (SGD without momentum,
 * Adagrad) then updates `rows` alone, with the bits of the dense update; the others ignore it.
 * Tensors are immutable, so the declaration holds for the tensor's life. Returns `gradient`.
 */
export function declareTouchedRows<T extends tf.Tensor>(gradient: T, rows: Int32Array): T {
  if (gradient.rank !== 2) throw new Error(`declareTouchedRows needs a 2-D gradient. Received: shape=[${gradient.shape}]`);
  const last = rows.length > 0 ? rows[rows.length - 1] : -1;
  if (rows.length > 0 && (rows[0] < 0 || last >= gradient.shape[0])) {
    throw new Error(`declareTouchedRows: rows must lie in [0, ${gradient.shape[0]}). Received: rows ${rows[0]} to ${last}`);
  }
  touched.set(gradient, rows);
  return gradient;
}

/** The rows declared by declareTouchedRows, or null (then any row may be nonzero). */
export function touchedRowsOf(gradient: tf.Tensor): Int32Array | null {
  return touched.get(gradient) ?? null;
}

/** The distinct ids in [0, numRows), ascending: the rows of a table that a lookup of `ids` reads. */
export function distinctRows(ids: ArrayLike<number>, numRows: number): Int32Array {
  if (ids.length * 8 < numRows) {
    // Few ids in a large table: sort them, rather than mark and sweep every row.
    const sorted = Int32Array.from(ids).sort();
    let n = 0;
    for (const id of sorted) if (id >= 0 && id < numRows && (n === 0 || sorted[n - 1] !== id)) sorted[n++] = id;
    return sorted.slice(0, n);
  }
  const seen = new Uint8Array(numRows);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < numRows && seen[id] === 0) {
      seen[id] = 1;
      n++;
    }
  }
  const rows = new Int32Array(n);
  for (let row = 0, k = 0; k < n; row++) if (seen[row] === 1) rows[k++] = row;
  return rows;
}
