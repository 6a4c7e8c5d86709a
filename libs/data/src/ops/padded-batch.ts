/** A number, or a sequence of numbers (token ids, tags, a multi-hot row). */
export type Feature = number | ArrayLike<number>;
/** An element paddedBatch can batch: one feature, or a record of named features. */
export type Features = Feature | Record<string, Feature>;

/** A row-major block of numbers and its shape, [batch] or [batch, length]: what a tensor is made from. */
export interface DenseArray {
  shape: number[];
  values: number[];
}

export type Padded<T> = T extends Feature ? DenseArray : { [K in keyof T]: DenseArray };

export interface PaddedBatchOptions {
  /** Length of the sequences (per key for records): longer ones are truncated. Default: the batch's longest. */
  length?: number | Record<string, number>;
  /** Default 0. */
  paddingValue?: number;
  /** Where the padding goes: 'post' (tf.data's padded_batch; default) or 'pre' (Keras's pad_sequences). */
  padding?: 'pre' | 'post';
  /** Which end a longer sequence loses (with `length`): 'post' (default) or 'pre'. */
  truncating?: 'pre' | 'post';
  /** Drop a last batch smaller than the batch size. */
  dropRemainder?: boolean;
}

const isFeature = (x: unknown): x is Feature => typeof x === 'number' || (typeof x === 'object' && x !== null && 'length' in x);

function padFeature(features: Feature[], key: string, options: PaddedBatchOptions): DenseArray {
  const scalars = features.map((f) => typeof f === 'number');
  if (scalars.every(Boolean)) return { shape: [features.length], values: features as number[] };
  if (scalars.some(Boolean)) throw new Error(`paddedBatch: feature '${key}' mixes numbers and sequences within a batch.`);
  const rows = features as ArrayLike<number>[];
  const fixed = typeof options.length === 'number' ? options.length : options.length?.[key];
  const width = fixed ?? rows.reduce((longest, r) => Math.max(longest, r.length), 0);
  const { paddingValue = 0, padding = 'post', truncating = 'post' } = options;
  const values = new Array<number>(rows.length * width).fill(paddingValue);
  rows.forEach((row, i) => {
    const n = Math.min(row.length, width);
    const from = truncating === 'pre' ? row.length - n : 0;
    const to = i * width + (padding === 'pre' ? width - n : 0);
    for (let j = 0; j < n; j++) values[to + j] = row[from + j];
  });
  return { shape: [rows.length, width], values };
}

/** Stacks elements into DenseArrays, padding every sequence (per key) to a common length. */
export function padBatch<T extends Features>(elements: T[], options: PaddedBatchOptions = {}): Padded<T> {
  if (isFeature(elements[0])) return padFeature(elements as Feature[], 'value', options) as Padded<T>;
  const keys = Object.keys(elements[0] as Record<string, Feature>);
  const out: Record<string, DenseArray> = {};
  for (const key of keys) {
    out[key] = padFeature(
      elements.map((e, i) => {
        const f = (e as Record<string, Feature>)[key];
        if (!isFeature(f)) throw new Error(`paddedBatch: element ${i} of the batch has no numeric feature '${key}' (got ${typeof f}).`);
        return f;
      }),
      key,
      options,
    );
  }
  return out as Padded<T>;
}
