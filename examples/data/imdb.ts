import { resolve } from 'node:path';
import { permutation, seededRandom } from '@weft/layers';
import { readImdbCsvFile, type Review } from './imdb-reviews';
import { encodeImdbReview, readWordIndexFile } from './imdb-word-index';
import { findDataset } from './datasets-dir';

export const IMDB_FILES = ['train.csv.gz', 'test.csv.gz', 'imdb_word_index.json.gz'];

export interface ImdbSplit {
  /** Word ids per review, as keras.datasets.imdb gives them (unpadded). */
  x: number[][];
  y: number[];
}

export interface LoadImdbOptions {
  /** Keras's num_words: word ids of numWords or more become oov (2). */
  numWords?: number;
  /** Take this many reviews from each split (after shuffling, so both labels appear). */
  samples?: number;
  /** Shuffle seed (Keras uses 113 with numpy; this is a different generator, so a different order). */
  seed?: number;
  /** The datasets folder (--data); default WEFT_DATASETS or ../shared/datasets. */
  dataDir?: string;
}

/**
 * IMDB as keras.datasets.imdb.load_data(num_words) gives it, made from the raw reviews and
 * Keras's word index: both splits shuffled, each review [1, word ids...]. Resolves to
 * { skipped: reason } when the dataset is not there.
 */
export async function loadImdb(
  options: LoadImdbOptions = {},
): Promise<{ train: ImdbSplit; test: ImdbSplit } | { skipped: string }> {
  const found = findDataset('imdb', IMDB_FILES, options.dataDir);
  if (!found.ok) return { skipped: found.reason };
  const { numWords, samples, seed = 113 } = options;
  const [train, test, wordIndex] = await Promise.all([
    readImdbCsvFile(resolve(found.dir, 'train.csv.gz')),
    readImdbCsvFile(resolve(found.dir, 'test.csv.gz')),
    readWordIndexFile(resolve(found.dir, 'imdb_word_index.json.gz')),
  ]);
  const encode = (reviews: Review[], splitSeed: number): ImdbSplit => {
    const order = permutation(reviews.length, seededRandom(splitSeed)).slice(0, samples ?? reviews.length);
    const chosen = Array.from(order, (i) => reviews[i]);
    return { x: chosen.map((r) => encodeImdbReview(r.text, wordIndex, numWords)), y: chosen.map((r) => r.label) };
  };
  return { train: encode(train, seed), test: encode(test, seed * 2) };
}
