import { resolve } from 'node:path';
import { readConlluFile, UPOS_TAGS, type TaggedSentence } from './conllu';
import { findDataset } from './datasets-dir';

export const UD_EWT_FILES = ['en_ewt-ud-train.conllu.gz', 'en_ewt-ud-dev.conllu.gz'];

/** Word ids: 0 padding, 1 unknown word, then lower-cased training words by frequency. */
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export interface PosSplit {
  /** Word ids per sentence (unpadded). */
  x: number[][];
  /** UPOS tag index (into UPOS_TAGS) per word. */
  y: number[][];
}

/** A word vocabulary from the training sentences: the vocabSize - 2 most frequent lower-cased words. */
export function buildWordIds(sentences: TaggedSentence[], vocabSize: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s.words) counts.set(w.toLowerCase(), (counts.get(w.toLowerCase()) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, vocabSize - 2);
  return new Map(ranked.map(([word], i) => [word, i + 2]));
}

export function encodeTaggedSentences(sentences: TaggedSentence[], wordIds: Map<string, number>): PosSplit {
  const tagIds = new Map<string, number>(UPOS_TAGS.map((t, i) => [t, i]));
  return {
    x: sentences.map((s) => s.words.map((w) => wordIds.get(w.toLowerCase()) ?? UNKNOWN_ID)),
    y: sentences.map((s) =>
      s.upos.map((t) => {
        const id = tagIds.get(t);
        if (id === undefined) throw new Error(`UD POS: unknown UPOS tag '${t}' (expected one of ${UPOS_TAGS.join(' ')})`);
        return id;
      }),
    ),
  };
}

/**
 * UD English EWT for tagging: train and dev sentences as word ids and UPOS ids, the vocabulary
 * from train. `samples` takes the first N sentences of each split. Resolves to
 * { skipped: reason } when the dataset is not there.
 */
export async function loadUdPos(options: { vocabSize: number; samples?: number; dataDir?: string }): Promise<
  { train: PosSplit; dev: PosSplit } | { skipped: string }
> {
  const found = findDataset('ud_english_ewt', UD_EWT_FILES, options.dataDir);
  if (!found.ok) return { skipped: found.reason };
  const [train, dev] = await Promise.all(UD_EWT_FILES.map((f) => readConlluFile(resolve(found.dir, f))));
  const take = (s: TaggedSentence[]) => s.slice(0, options.samples ?? s.length);
  const wordIds = buildWordIds(take(train), options.vocabSize);
  return { train: encodeTaggedSentences(take(train), wordIds), dev: encodeTaggedSentences(take(dev), wordIds) };
}
