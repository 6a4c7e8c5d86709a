import { conllDataset, csvDataset, DataFileError, jsonLinesDataset, textDirectoryDataset, textLineDataset } from '@weft/data';
import { resolveColumns, resolveKey, LABEL_NAMES, TAG_NAMES, TEXT_NAMES, TOKEN_NAMES } from './columns';
import { detectFormat, type DataFormat } from './data-format';

export type Task = 'classify' | 'tag';

/** One example: a text and its label (classify) or tokens and their tags (tag); labels null when absent. */
export interface Example {
  /** Line (or file) it came from, for messages. */
  line: number;
  where: string;
  text: string;
  tokens: string[];
  label: string | null;
  tags: string[] | null;
}

/** Where the fields are, as resolved on the training data and saved with the model. */
export interface ColumnFlags {
  text?: string;
  label?: string;
}

export interface ReadOptions {
  task: Task;
  columns: ColumnFlags;
  /** Training and evaluation need labels; prediction reads them only when present. */
  needLabels: boolean;
}

export interface ReadResult {
  format: DataFormat;
  examples: Example[];
  /** The columns as found, to read later files the same way. */
  columns: ColumnFlags;
}

const example = (line: number, where: string, fields: Partial<Example>): Example => ({
  line,
  where,
  text: '',
  tokens: [],
  label: null,
  tags: null,
  ...fields,
});

function labelOf(path: string, line: number, raw: unknown, what: string, needLabels: boolean): string | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (!needLabels) return null;
    throw new DataFileError(path, line, `the row has no ${what}.`, 'Fill it in or remove the row.');
  }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    throw new DataFileError(path, line, `the ${what} is ${Array.isArray(raw) ? 'an array' : typeof raw}, not a string or number.`, 'Give one label per row.');
  }
  return String(raw).trim();
}

async function readDelimited(path: string, format: 'csv' | 'tsv', options: ReadOptions): Promise<ReadResult> {
  const delimiter = format === 'tsv' ? '\t' : ',';
  const head = (await csvDataset(path, { delimiter, header: false }).take(200).toArray()).map((r) => Object.values(r.values));
  if (head.length === 0) throw new DataFileError(path, 0, 'the file holds no rows.', 'Give a file with one example per row.');
  const layout = resolveColumns(path, head, options.columns, options.needLabels);
  const [textName, labelName] = [layout.names[layout.text], layout.label === null ? null : layout.names[layout.label]];
  const examples: Example[] = [];
  for await (const { line, values } of csvDataset(path, { delimiter, header: layout.header ? true : layout.names })) {
    const text = values[textName];
    examples.push(example(line, path, { text, label: labelName === null ? null : labelOf(path, line, values[labelName], `label (column '${labelName}')`, options.needLabels) }));
  }
  if (examples.length === 0) throw new DataFileError(path, 0, 'the file holds a header but no rows.', 'Give a file with one example per row.');
  const asFlag = (i: number | null) => (i === null ? undefined : layout.header ? layout.names[i] : String(i + 1));
  return { format, examples, columns: { text: asFlag(layout.text), label: asFlag(layout.label) } };
}

async function readJsonLines(path: string, options: ReadOptions): Promise<ReadResult> {
  const examples: Example[] = [];
  const tagging = options.task === 'tag';
  let keys: { text: string; label: string | null } | null = null;
  for await (const { line, value } of jsonLinesDataset(path)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataFileError(path, line, `expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : typeof value}.`, `Write one object per line, e.g. {"text": "...", "label": "..."}.`);
    }
    const record = value as Record<string, unknown>;
    if (!keys) {
      const text = resolveKey(path, line, record, options.columns.text, tagging ? TOKEN_NAMES : TEXT_NAMES, '--text-column');
      if (text === null) throw new DataFileError(path, line, `no ${tagging ? 'tokens' : 'text'} field among ${Object.keys(record).map((k) => `'${k}'`).join(', ')}.`, 'Pass --text-column NAME.');
      const label = resolveKey(path, line, record, options.columns.label, tagging ? TAG_NAMES : LABEL_NAMES, '--label-column');
      if (label === null && options.needLabels) throw new DataFileError(path, line, `no ${tagging ? 'tags' : 'label'} field among ${Object.keys(record).map((k) => `'${k}'`).join(', ')}.`, 'Pass --label-column NAME.');
      keys = { text: text, label };
    }
    const raw = record[keys.text];
    if (tagging) {
      const tokens = raw;
      const tags = keys.label === null ? null : record[keys.label];
      const strings = (x: unknown) => Array.isArray(x) && x.every((t) => typeof t === 'string' || typeof t === 'number');
      if (!strings(tokens)) throw new DataFileError(path, line, `'${keys.text}' must be an array of tokens.`, 'Write the sentence as ["The", "dog", ...].');
      if (tags !== null && tags !== undefined && (!strings(tags) || (tags as unknown[]).length !== (tokens as unknown[]).length)) {
        throw new DataFileError(path, line, `'${keys.label}' must be an array with one tag per token (${(tokens as unknown[]).length}).`, 'Give one tag per token.');
      }
      if ((tags === null || tags === undefined) && options.needLabels) throw new DataFileError(path, line, `the row has no '${keys.label}'.`, 'Fill it in or remove the row.');
      examples.push(example(line, path, { tokens: (tokens as unknown[]).map(String), tags: tags ? (tags as unknown[]).map(String) : null }));
    } else {
      if (typeof raw !== 'string') throw new DataFileError(path, line, `'${keys.text}' must be a string, got ${raw === undefined ? 'nothing' : typeof raw}.`, 'Give each row its text.');
      examples.push(example(line, path, { text: raw, label: keys.label === null ? null : labelOf(path, line, record[keys.label], `'${keys.label}'`, options.needLabels) }));
    }
  }
  if (examples.length === 0) throw new DataFileError(path, 0, 'the file holds no rows.', 'Give a file with one JSON object per line.');
  return { format: 'jsonl', examples, columns: { text: keys?.text, label: keys?.label ?? undefined } };
}

async function readConll(path: string, format: 'conllu' | 'conll', options: ReadOptions): Promise<ReadResult> {
  const tagColumn = options.columns.label === undefined ? undefined : /^-?\d+$/.test(options.columns.label) ? Number(options.columns.label) - 1 : options.columns.label;
  const sentences = await conllDataset(path, { format, tagColumn }).toArray();
  if (sentences.length === 0) throw new DataFileError(path, 0, 'the file holds no sentences.', 'Give one token per line, a blank line after each sentence.');
  return {
    format,
    examples: sentences.map((s) => example(s.line, path, { tokens: s.tokens, tags: s.tags })),
    columns: { label: options.columns.label },
  };
}

/**
 * The examples of a data file or folder for a task, its format detected (see detectFormat). Every
 * problem is a DataFileError naming the file, the line and the fix.
 */
export async function readExamples(path: string, options: ReadOptions, format?: DataFormat): Promise<ReadResult> {
  format ??= await detectFormat(path);
  const tagFormat = format === 'conllu' || format === 'conll' || format === 'jsonl';
  if (options.task === 'tag' && !tagFormat && !(format === 'lines' && !options.needLabels)) {
    throw new DataFileError(path, 0, `--task tag needs token-per-line data (CoNLL-U, CoNLL) or JSON Lines with token and tag arrays; this is ${format}.`, 'Convert the file, or use --task classify.');
  }
  if (options.task === 'classify' && (format === 'conllu' || format === 'conll')) {
    throw new DataFileError(path, 0, `${format} files hold tagged tokens, not labeled texts.`, 'Use --task tag.');
  }
  switch (format) {
    case 'csv':
    case 'tsv':
      return readDelimited(path, format, options);
    case 'jsonl':
      return readJsonLines(path, options);
    case 'conllu':
    case 'conll':
      return readConll(path, format, options);
    case 'directory': {
      const ds = await textDirectoryDataset(path);
      const examples: Example[] = [];
      for await (const t of ds) examples.push(example(1, t.path, { text: t.text, label: t.className }));
      return { format, examples, columns: {} };
    }
    case 'lines': {
      if (options.needLabels) {
        throw new DataFileError(path, 1, 'a plain text file has no labels.', 'Give a CSV/TSV with a label column, JSON Lines, or a folder with one subfolder per class.');
      }
      const examples: Example[] = [];
      for await (const { line, text } of textLineDataset(path)) {
        examples.push(example(line, path, { text, tokens: options.task === 'tag' ? text.trim().split(/\s+/) : [] }));
      }
      if (examples.length === 0) throw new DataFileError(path, 0, 'the file is empty.', 'Give one text per line.');
      return { format, examples, columns: {} };
    }
  }
}
