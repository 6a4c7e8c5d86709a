import { tf } from '@weft/tensor';

export interface PadSequencesArgs {
  /** Length of every row; default the longest sequence. */
  maxlen?: number;
  dtype?: 'int32' | 'float32';
  /** Where the padding goes: before ('pre', Keras's default) or after the sequence. */
  padding?: 'pre' | 'post';
  /** Which end a longer sequence loses: its start ('pre', Keras's default) or its end. */
  truncating?: 'pre' | 'post';
  value?: number;
}

/**
 * Keras's pad_sequences: a [sequences, maxlen] tensor, each sequence padded or truncated to maxlen.
 * Differences from Keras: it returns a tensor (not a numpy array), and dtype is int32 or float32 only.
 */
export function padSequences(sequences: ArrayLike<number>[], args: PadSequencesArgs = {}): tf.Tensor2D {
  const { dtype = 'int32', padding = 'pre', truncating = 'pre', value = 0 } = args;
  for (const [name, side] of [['padding', padding], ['truncating', truncating]] as const) {
    if (side !== 'pre' && side !== 'post') throw new Error(`padSequences: ${name} must be 'pre' or 'post', got '${side}'`);
  }
  const maxlen = args.maxlen ?? sequences.reduce((longest, s) => Math.max(longest, s.length), 0);
  if (!(Number.isInteger(maxlen) && maxlen >= 0)) throw new Error(`padSequences: maxlen must be a non-negative integer, got ${maxlen}`);
  const data = dtype === 'int32' ? new Int32Array(sequences.length * maxlen) : new Float32Array(sequences.length * maxlen);
  data.fill(value);
  sequences.forEach((sequence, row) => {
    const n = Math.min(sequence.length, maxlen);
    const from = truncating === 'pre' ? sequence.length - n : 0;
    const to = row * maxlen + (padding === 'pre' ? maxlen - n : 0);
    for (let i = 0; i < n; i++) data[to + i] = sequence[from + i];
  });
  return tf.tensor2d(data, [sequences.length, maxlen], dtype);
}
