import { DataFileError } from '@weft/data';

/** Column names taken for the text and the label when none is given (matched case-insensitively). */
export const TEXT_NAMES = ['text', 'sentence', 'review', 'message', 'content', 'body', 'document', 'tweet', 'comment', 'sms'];
export const LABEL_NAMES = ['label', 'labels', 'class', 'category', 'sentiment', 'target', 'y', 'tag', 'intent'];
export const TOKEN_NAMES = ['tokens', 'words', 'token', 'form'];
export const TAG_NAMES = ['tags', 'labels', 'upos', 'pos', 'ner_tags', 'pos_tags', 'label'];

/** Where the text and label are in a delimited file: 0-based indices, and whether row 1 is a header. */
export interface ColumnLayout {
  header: boolean;
  /** Names of the columns: the header's, or '1', '2', ... */
  names: string[];
  text: number;
  label: number | null;
}

const isNumber = (s: string) => /^\d+$/.test(s);

function findName(names: string[], wanted: string[]): number {
  const lower = names.map((n) => n.trim().toLowerCase());
  for (const w of wanted) {
    const i = lower.indexOf(w);
    if (i >= 0) return i;
  }
  return -1;
}

function columnByFlag(path: string, flag: string, value: string, first: string[]): { index: number; byName: boolean } {
  if (isNumber(value)) {
    const index = Number(value) - 1;
    if (index < 0 || index >= first.length) {
      throw new DataFileError(path, 1, `${flag} ${value}: the rows have ${first.length} column(s).`, `Pass a column number from 1 to ${first.length}, or a header name.`);
    }
    return { index, byName: false };
  }
  const index = first.indexOf(value);
  if (index < 0) {
    const ci = first.findIndex((n) => n.toLowerCase() === value.toLowerCase());
    const hint = ci >= 0 ? ` (did you mean '${first[ci]}'?)` : '';
    throw new DataFileError(
      path,
      1,
      `no column named '${value}'${hint}; the first row has: ${first.map((n) => `'${n}'`).join(', ')}.`,
      `Pass ${flag} with one of those names, or a column number (1-based) for a file without a header.`,
    );
  }
  return { index, byName: true };
}

/**
 * Finds the text and label columns of a delimited file from its first rows: the flags' names (the
 * first row is then a header) or 1-based numbers; else well-known header names (text, label, ...);
 * else, for a file without a header, the column with the fewest distinct values is the label and
 * the one with the longest values the text, and the first row is a header only if its label is
 * never seen again.
 */
export function resolveColumns(path: string, rows: string[][], flags: { text?: string; label?: string }, needLabel: boolean): ColumnLayout {
  const first = rows[0];
  const numbered = first.map((_, i) => String(i + 1));
  const given = {
    text: flags.text === undefined ? null : columnByFlag(path, '--text-column', flags.text, first),
    label: flags.label === undefined ? null : columnByFlag(path, '--label-column', flags.label, first),
  };
  const rest = rows.slice(1);
  const byName = given.text?.byName || given.label?.byName;
  let text = given.text?.index ?? -1;
  let label = given.label?.index ?? -1;
  let header: boolean | null = byName ? true : null;
  if (text < 0) {
    const known = findName(first, TEXT_NAMES);
    if (known >= 0) {
      text = known;
      header = true;
    }
  }
  if (label < 0 && needLabel && header === true) label = findName(first, LABEL_NAMES);
  if (header === null && (text < 0 || (needLabel && label < 0))) {
    // No header names to go by: guess from the values.
    if (first.length < (needLabel ? 2 : 1)) {
      throw new DataFileError(path, 1, `the rows have ${first.length} column; a text and a label column are needed.`, 'Give a file with a text column and a label column.');
    }
    const distinct = first.map((_, c) => new Set(rest.map((r) => r[c])).size);
    const meanLength = first.map((_, c) => rest.reduce((n, r) => n + (r[c]?.length ?? 0), 0) / Math.max(1, rest.length));
    if (needLabel && label < 0) label = distinct.indexOf(Math.min(...distinct.filter((_, c) => c !== text)));
    if (text < 0) text = meanLength.indexOf(Math.max(...meanLength.filter((_, c) => c !== label)));
  }
  // Without header names, row 1 is a header only if its label never occurs again.
  header ??= label >= 0 ? rest.length >= 2 && !rest.some((r) => r[label] === first[label]) : false;
  if (text < 0) {
    throw new DataFileError(path, 1, `no text column: the header has ${first.map((n) => `'${n}'`).join(', ')}.`, 'Pass --text-column NAME.');
  }
  if (needLabel && label < 0) {
    throw new DataFileError(path, 1, `no label column: the header has ${first.map((n) => `'${n}'`).join(', ')}.`, 'Pass --label-column NAME.');
  }
  if (label === text) throw new DataFileError(path, 1, 'the text and label columns are the same column.', 'Pass different --text-column and --label-column.');
  return { header: header ?? false, names: header ? first : numbered, text, label: label >= 0 ? label : null };
}

/** The key of a JSON Lines object among `names` (given, or well-known ones). */
export function resolveKey(path: string, line: number, value: Record<string, unknown>, given: string | undefined, known: string[], flag: string): string | null {
  const keys = Object.keys(value);
  if (given !== undefined) {
    if (given in value) return given;
    throw new DataFileError(path, line, `no field '${given}'; the object has: ${keys.map((k) => `'${k}'`).join(', ')}.`, `Pass ${flag} with one of those names.`);
  }
  const i = findName(keys, known);
  return i >= 0 ? keys[i] : null;
}
