import { seededRandom } from '@weft/layers';

/** One seed per (seed, epoch): the same pair gives the same order on every rank and every run. */
export function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * tf.data's shuffle: a buffer of `bufferSize` elements; each output is a random element of the
 * buffer, whose place the next input takes; at the end the buffer drains in random order. A buffer
 * at least the dataset's size gives a uniform permutation.
 */
export async function* shuffleElements<T>(source: AsyncIterable<T>, bufferSize: number, random: () => number): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const element of source) {
    if (buffer.length < bufferSize) {
      buffer.push(element);
      continue;
    }
    const i = Math.floor(random() * bufferSize);
    const out = buffer[i];
    buffer[i] = element;
    yield out;
  }
  while (buffer.length > 0) {
    const i = Math.floor(random() * buffer.length);
    const out = buffer[i];
    buffer[i] = buffer[buffer.length - 1];
    buffer.pop();
    yield out;
  }
}

export function shuffleRandom(seed: number | undefined, epoch: number): () => number {
  return seed === undefined ? Math.random : seededRandom(epochSeed(seed, epoch));
}
