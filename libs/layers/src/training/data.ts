import * as tf from '@tensorflow/tfjs-core';
import type { DataModel } from './training-model';

/** Model inputs or targets: one tensor, one per model input/output, or keyed by input/output name. */
export type DataInput = tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;

/** Raw texts, one per sample, for a model whose one input is a string Input (a TextVectorization first). */
export type Texts = string[];

export const isTexts = (x: unknown): x is Texts => Array.isArray(x) && x.length > 0 && x.every((t) => typeof t === 'string');

/** Texts as the [n] string tensor a string Input takes (the model expands it to [n, 1] when its Input is [1]). */
export function textsToTensor(texts: Texts): tf.Tensor {
  return tf.tensor1d(texts, 'string');
}

/** Normalises x or y into one tensor per model input (or output), in order. */
export function toTensorList(data: DataInput, names: string[], what: 'x' | 'y', modelName: string): tf.Tensor[] {
  if (data instanceof tf.Tensor) return [data];
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every((d) => d instanceof tf.Tensor)) return data;
  } else if (data && typeof data === 'object') {
    const record = data as Record<string, tf.Tensor>;
    const missing = names.filter((n) => !(n in record));
    if (missing.length) {
      throw new Error(`${what} is missing entries for ${missing.join(', ')} of model '${modelName}'. Received keys: ${Object.keys(record).join(', ')}`);
    }
    return names.map((n) => record[n]);
  }
  throw new Error(
    `${what} must be a tf.Tensor, an array of tensors (one per model ${what === 'x' ? 'input' : 'output'}) or an object keyed by ` +
      `${what === 'x' ? 'input' : 'output'} name (wrap plain arrays with tf.tensor). Received: ${data === null ? 'null' : Array.isArray(data) ? 'an array of non-tensors' : typeof data}`,
  );
}

/**
 * Checks that x, y (and weights) hold the same number of samples and the expected count of tensors.
 * `strings`: x may hold string tensors (in-process, where the model checks them against its Inputs).
 */
export function checkData(model: DataModel, xs: tf.Tensor[], ys: tf.Tensor[] | null, weights: (tf.Tensor | null)[] = [], { strings = false } = {}): number {
  if (xs.length !== model.inputNames.length) {
    throw new Error(`Model '${model.name}' has ${model.inputNames.length} input(s) (${model.inputNames.join(', ')}). Received: ${xs.length} x tensor(s)`);
  }
  if (ys && ys.length !== model.outputNames.length) {
    throw new Error(`Model '${model.name}' has ${model.outputNames.length} output(s) (${model.outputNames.join(', ')}). Received: ${ys.length} y tensor(s)`);
  }
  xs.forEach((t, i) => {
    if ((t.dtype === 'string' && !strings) || t.dtype === 'complex64') {
      throw new Error(
        `Input ${i} ('${model.inputNames[i]}') of model '${model.name}' must be numeric (float32 or int32). Received: dtype=${t.dtype}` +
          (t.dtype === 'string' ? '. Vectorize texts before (a TextVectorization in the data pipeline), or fit in this process.' : ''),
      );
    }
  });
  const all = [...xs, ...(ys ?? []), ...weights.filter((w): w is tf.Tensor => w !== null)];
  for (const t of all) {
    if (t.rank === 0) throw new Error(`Data tensors need a batch axis. Received: a scalar (shape [])`);
  }
  const n = all[0].shape[0];
  if (n === 0) throw new Error('The data is empty: x has 0 samples.');
  const sizes = all.map((t) => t.shape[0]);
  if (sizes.some((s) => s !== n)) {
    throw new Error(`x, y and sampleWeight must have the same number of samples. Received: x ${xs.map((t) => t.shape[0]).join(',')}, y ${(ys ?? []).map((t) => t.shape[0]).join(',')}`);
  }
  return n;
}

/** Per-sample weights from a class-weight table and the labels (one-hot, sparse or binary). */
export function classWeightsToSampleWeights(y: tf.Tensor, classWeight: Record<number, number>): tf.Tensor {
  return tf.tidy(() => {
    const classes = y.rank >= 2 && y.shape[y.rank - 1] > 1 ? tf.argMax(y, -1) : tf.reshape(tf.round(y), [y.shape[0], -1]);
    const ids = Array.from(tf.reshape(classes, [y.shape[0], -1]).dataSync());
    const perRow = (classes.size / y.shape[0]) | 0;
    const weights = ids.map((c) => {
      const w = classWeight[c];
      if (w === undefined) {
        throw new Error(`classWeight has no entry for class ${c}. Received: classWeight keys ${Object.keys(classWeight).join(', ')}`);
      }
      return w;
    });
    return perRow === 1 ? tf.tensor1d(weights) : tf.tensor2d(weights, [y.shape[0], perRow]);
  });
}

/** Rows `indices` of each tensor (or a contiguous range when `indices` is [start, end]). */
export function takeRows(tensors: (tf.Tensor | null)[], rows: Int32Array | [number, number]): (tf.Tensor | null)[] {
  if (rows instanceof Int32Array) {
    const idx = tf.tensor1d(rows, 'int32');
    const out = tensors.map((t) => (t ? (t.dtype === 'string' ? gatherStrings(t, rows) : tf.gather(t, idx)) : null));
    idx.dispose();
    return out;
  }
  const [start, end] = rows;
  return tensors.map((t) => (t ? tf.slice(t, [start], [end - start]) : null));
}

/** A string tensor's values, decoded once per tensor (tfjs decodes every string on each read). */
const decodedStrings = new WeakMap<tf.Tensor, string[]>();

/** Rows of a string tensor, picked in JS: tfjs's gather takes numeric tensors only. */
function gatherStrings(t: tf.Tensor, rows: Int32Array): tf.Tensor {
  let values = decodedStrings.get(t);
  if (!values) decodedStrings.set(t, (values = t.dataSync() as unknown as string[]));
  const width = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const picked = new Array<string>(rows.length * width);
  rows.forEach((r, i) => {
    for (let j = 0; j < width; j++) picked[i * width + j] = values[r * width + j];
  });
  return tf.tensor(picked, [rows.length, ...t.shape.slice(1)], 'string');
}

/** A permutation of 0..n-1 (Fisher-Yates); seeded when `seed` is a number. */
export function permutation(n: number, random: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Mulberry32: a small seeded generator for reproducible shuffling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
