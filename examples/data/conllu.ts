import { conllDataset } from '@weft/data';

export interface TaggedSentence {
  words: string[];
  /** Universal part-of-speech tag of each word. */
  upos: string[];
}

/** The 17 Universal Dependencies part-of-speech tags. */
export const UPOS_TAGS = [
  'ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM',
  'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X',
] as const;

/**
 * Sentences (words and UPOS tags) of a CoNLL-U file (.conllu or .conllu.gz), read by @weft/data's
 * conllDataset: comments, multiword-token lines (ID `3-4`) and empty nodes (ID `8.1`) skipped.
 */
export async function readConlluFile(path: string): Promise<TaggedSentence[]> {
  const sentences = await conllDataset(path, { format: 'conllu', tagColumn: 'upos' }).toArray();
  return sentences.map((s) => ({ words: s.tokens, upos: s.tags }));
}
