import { initBackend, tf } from '@weft/tensor';
import { zipfTokenIds } from './zipf-tokens';

beforeAll(async () => {
  await initBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

it('draws ids 1 to vocab - 1 with the frequencies of Zipf\'s law, the same for the same seed', () => {
  const t = zipfTokenIds(500, 80, 20000, 1.1, 3);
  expect(t.shape).toEqual([500, 80]);
  expect(t.dtype).toBe('int32');
  const ids = values(t);
  expect(Math.min(...ids)).toBe(1);
  expect(Math.max(...ids)).toBeLessThan(20000);
  // P(1) = 1 / sum_k k^-1.1 over k < 20000 (about 0.1456), P(2) = P(1) / 2^1.1.
  const share = (id: number) => ids.filter((v) => v === id).length / ids.length;
  expect(share(1)).toBeCloseTo(0.1456, 2);
  expect(share(2) / share(1)).toBeCloseTo(2 ** -1.1, 1);
  expect(values(zipfTokenIds(500, 80, 20000, 1.1, 3))).toEqual(ids);
  expect(values(zipfTokenIds(500, 80, 20000, 1.1, 4))).not.toEqual(ids);
  tf.dispose(t);
});

it('touches about as many embedding rows a batch as IMDB\'s reviews (32 x 80: about 900 of 20,000)', () => {
  const t = zipfTokenIds(32 * 10, 80, 20000, 1.1, 5);
  const ids = values(t);
  const perBatch = Array.from({ length: 10 }, (_, b) => new Set(ids.slice(b * 32 * 80, (b + 1) * 32 * 80)).size);
  const mean = perBatch.reduce((a, b) => a + b, 0) / perBatch.length;
  expect(mean).toBeGreaterThan(800);
  expect(mean).toBeLessThan(1000);
  tf.dispose(t);
});
