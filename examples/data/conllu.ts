import { lines, textChunks } from './text-stream';

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
 * Sentences (words and UPOS tags) from CoNLL-U lines: `#` comments skipped, a blank line ends a
 * sentence, multiword-token lines (ID `3-4`) and empty nodes (ID `8.1`) skipped.
 */
export async function readConllu(input: AsyncIterable<string> | Iterable<string>): Promise<TaggedSentence[]> {
  const sentences: TaggedSentence[] = [];
  let current: TaggedSentence = { words: [], upos: [] };
  let lineNumber = 0;
  const end = () => {
    if (current.words.length > 0) sentences.push(current);
    current = { words: [], upos: [] };
  };
  for await (const line of lines(input)) {
    lineNumber++;
    if (line.trim() === '') end();
    else if (line.startsWith('#')) continue;
    else {
      const columns = line.split('\t');
      if (columns.length !== 10) throw new Error(`CoNLL-U line ${lineNumber}: expected 10 tab-separated columns, got ${columns.length}`);
      if (!/^\d+$/.test(columns[0])) continue; // a multiword token or an empty node
      current.words.push(columns[1]);
      current.upos.push(columns[3]);
    }
  }
  end();
  return sentences;
}

export function readConlluFile(path: string): Promise<TaggedSentence[]> {
  return readConllu(textChunks(path));
}
