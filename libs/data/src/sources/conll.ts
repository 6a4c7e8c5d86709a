import { Dataset } from '../dataset';
import { DataFileError } from '../errors';
import { lines, textChunks } from './text-stream';

export interface TaggedSentence {
  /** Line of the sentence's first token. */
  line: number;
  tokens: string[];
  tags: string[];
}

/** The CoNLL-U columns, by name (lower case), for `tagColumn`. */
export const CONLLU_COLUMNS = ['id', 'form', 'lemma', 'upos', 'xpos', 'feats', 'head', 'deprel', 'deps', 'misc'];

export interface ConllOptions {
  /**
   * 'conllu' (10 tab-separated columns, `#` comments, multiword-token and empty-node lines
   * skipped) or 'conll' (whitespace-separated columns as in CoNLL-2000/2003, `-DOCSTART-` lines
   * skipped). Default: 'conllu' for .conllu files, else 'conll'.
   */
  format?: 'conllu' | 'conll';
  /** Column of the token: a 0-based index; default 1 (FORM) for CoNLL-U, 0 for CoNLL. */
  tokenColumn?: number;
  /** Column of the tag: a 0-based index, negative from the end, or a CoNLL-U column name; default 'upos' for CoNLL-U, -1 (the last) for CoNLL. */
  tagColumn?: number | string;
}

export function conllFormatFor(path: string): 'conllu' | 'conll' {
  return /\.conllu(\.gz)?$/i.test(path) ? 'conllu' : 'conll';
}

function columnIndex(path: string, column: number | string, format: 'conllu' | 'conll'): number {
  if (typeof column === 'number') return column;
  const i = CONLLU_COLUMNS.indexOf(column.toLowerCase());
  if (i >= 0 && format === 'conllu') return i;
  if (/^-?\d+$/.test(column)) return Number(column);
  throw new DataFileError(path, 0, `unknown column '${column}'.`, `Name a CoNLL-U column (${CONLLU_COLUMNS.join(', ')}) or give a 0-based column number.`);
}

async function* readSentences(path: string, options: ConllOptions): AsyncGenerator<TaggedSentence> {
  const format = options.format ?? conllFormatFor(path);
  const conllu = format === 'conllu';
  const tokenColumn = options.tokenColumn ?? (conllu ? 1 : 0);
  const tagColumn = columnIndex(path, options.tagColumn ?? (conllu ? 'upos' : -1), format);
  let sentence: TaggedSentence | null = null;
  let lineNumber = 0;
  for await (const line of lines(textChunks(path))) {
    lineNumber++;
    if (line.trim() === '') {
      if (sentence) yield sentence;
      sentence = null;
      continue;
    }
    if (conllu && line.startsWith('#')) continue;
    const columns = conllu ? line.split('\t') : line.trim().split(/\s+/);
    if (!conllu && columns[0] === '-DOCSTART-') continue;
    if (conllu) {
      if (columns.length !== 10) {
        throw new DataFileError(path, lineNumber, `expected 10 tab-separated CoNLL-U columns, got ${columns.length}.`, 'Separate the columns with single tabs (spaces are not separators in CoNLL-U).');
      }
      if (!/^\d+$/.test(columns[0])) continue; // a multiword token (3-4) or an empty node (8.1)
    }
    const tag = columns[tagColumn < 0 ? columns.length + tagColumn : tagColumn];
    const token = columns[tokenColumn];
    if (token === undefined || tag === undefined) {
      throw new DataFileError(path, lineNumber, `the line has ${columns.length} column(s), too few for token column ${tokenColumn} and tag column ${tagColumn}.`, 'Fix the line, or choose the columns.');
    }
    sentence ??= { line: lineNumber, tokens: [], tags: [] };
    sentence.tokens.push(token);
    sentence.tags.push(tag);
  }
  if (sentence) yield sentence;
}

/**
 * Sentences of a token-per-line file (CoNLL-U, or CoNLL-2000/2003-style columns; gzipped or not),
 * streamed: a blank line ends a sentence.
 */
export function conllDataset(path: string, options: ConllOptions = {}): Dataset<TaggedSentence> {
  return Dataset.from(() => readSentences(path, options));
}
