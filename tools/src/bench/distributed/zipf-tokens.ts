import { tf } from '@weft/tensor';

/**
 * Token ids drawn as words fall in text: id k (1 to vocab - 1, 0 left for padding) with
 * probability proportional to 1 / k^exponent (Zipf's law, ids in order of frequency as a
 * vocabulary numbers them). Uniform ids would make every batch touch most of an embedding's rows
 * (32 sequences of 400: 9,500 of 20,000), where IMDB's reviews touch 1,850: the wrong workload
 * for row-sparse gradients and for the embedding's gathers.
 */
export function zipfTokenIds(rows: number, length: number, vocab: number, exponent: number, seed: number): tf.Tensor {
  const cumulative = new Float64Array(vocab - 1);
  let total = 0;
  for (let k = 1; k < vocab; k++) cumulative[k - 1] = total += k ** -exponent;
  const uniform = tf.tidy(() => tf.randomUniform([rows * length], 0, total, 'float32', seed).dataSync());
  const ids = new Int32Array(uniform.length);
  for (let i = 0; i < ids.length; i++) {
    // The first id whose cumulative weight reaches the draw.
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < uniform[i]) lo = mid + 1;
      else hi = mid;
    }
    ids[i] = lo + 1;
  }
  return tf.tensor(ids, [rows, length], 'int32');
}
