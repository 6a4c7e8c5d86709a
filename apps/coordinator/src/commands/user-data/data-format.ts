import { stat } from 'node:fs/promises';
import { DataFileError, lines, textChunks } from '@weft/data';

/** How a user's data file is laid out. */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'conllu' | 'conll' | 'directory' | 'lines';

const BY_EXTENSION: [RegExp, DataFormat][] = [
  [/\.csv$/i, 'csv'],
  [/\.(tsv|tab)$/i, 'tsv'],
  [/\.(jsonl|ndjson|json)$/i, 'jsonl'],
  [/\.conllu$/i, 'conllu'],
  [/\.(conll|conllx|iob|bio)$/i, 'conll'],
];

/** The first non-blank line of a file (gzipped or not), or null when it has none. */
async function firstLine(path: string): Promise<string | null> {
  for await (const line of lines(textChunks(path))) if (line.trim() !== '') return line;
  return null;
}

/**
 * The format of a data file or folder: a folder holds one subfolder of texts per class; a file's
 * extension (before .gz) names its format; without a known extension the first line decides
 * ({...}: JSON Lines; 10 tab-separated columns: CoNLL-U; tabs: TSV; commas: CSV; else plain lines).
 */
export async function detectFormat(path: string): Promise<DataFormat> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DataFileError(path, 0, 'no such file or folder.', 'Check the path given to --data.');
  }
  if (info.isDirectory()) return 'directory';
  const name = path.replace(/\.gz$/i, '');
  for (const [pattern, format] of BY_EXTENSION) if (pattern.test(name)) return format;
  const line = await firstLine(path);
  if (line === null) throw new DataFileError(path, 0, 'the file is empty.', 'Give a file with one example per row (or per line).');
  if (line.trimStart().startsWith('{')) return 'jsonl';
  const tabs = line.split('\t');
  if (tabs.length === 10 && (/^\d+$/.test(tabs[0]) || line.startsWith('#'))) return 'conllu';
  if (line.startsWith('# sent_id') || line.startsWith('# text')) return 'conllu';
  if (tabs.length > 1) return 'tsv';
  if (line.includes(',')) return 'csv';
  return 'lines';
}

export const taskForFormat = (format: DataFormat): 'classify' | 'tag' => (format === 'conllu' || format === 'conll' ? 'tag' : 'classify');
