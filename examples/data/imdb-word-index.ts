import { textChunks } from '@weft/data';
import { textToWordSequence } from '@weft/layers';

/** keras.datasets.imdb's reserved ids and offset: 0 padding, 1 start, 2 out of vocabulary, words from index_from + 1. */
export const IMDB_START = 1;
export const IMDB_OOV = 2;
export const IMDB_INDEX_FROM = 3;

/** The Keras IMDB word index (word -> frequency rank, 'the' = 1) from its JSON (.json or .json.gz). */
export async function readWordIndexFile(path: string): Promise<Map<string, number>> {
  let json = '';
  for await (const chunk of textChunks(path)) json += chunk;
  return new Map(Object.entries(JSON.parse(json) as Record<string, number>));
}

/**
 * A raw review as keras.datasets.imdb encodes it: [start, rank + indexFrom, ...], with words whose
 * id would be numWords or more, and words absent from the index, as oov. The words are split as
 * Keras's text_to_word_sequence does (lower case, punctuation but the apostrophe dropped), which
 * is how the index's words were made.
 */
export function encodeImdbReview(text: string, wordIndex: Map<string, number>, numWords?: number): number[] {
  const ids = [IMDB_START];
  for (const word of textToWordSequence(text)) {
    const rank = wordIndex.get(word);
    const id = rank === undefined ? IMDB_OOV : rank + IMDB_INDEX_FROM;
    ids.push(numWords !== undefined && id >= numWords ? IMDB_OOV : id);
  }
  return ids;
}
