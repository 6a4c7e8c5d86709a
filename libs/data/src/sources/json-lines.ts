import { Dataset } from '../dataset';
import { DataFileError } from '../errors';
import { lines, textChunks } from './text-stream';

export interface JsonLine {
  line: number;
  value: unknown;
}

async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  let line = 0;
  for await (const text of lines(textChunks(path))) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DataFileError(path, line, `not valid JSON (${(err as Error).message}).`, 'Each line must hold one JSON value (JSON Lines); fix or remove the line.');
    }
    yield { line, value };
  }
}

/** One JSON value per line (JSON Lines / NDJSON; gzipped or not), streamed; blank lines skipped. */
export function jsonLinesDataset(path: string): Dataset<JsonLine> {
  return Dataset.from(() => readJsonLines(path));
}

export interface TextLine {
  line: number;
  text: string;
}

async function* readTextLines(path: string): AsyncGenerator<TextLine> {
  let line = 0;
  for await (const text of lines(textChunks(path))) {
    line++;
    if (text.trim() !== '') yield { line, text };
  }
}

/** The non-blank lines of a text file (gzipped or not), streamed. */
export function textLineDataset(path: string): Dataset<TextLine> {
  return Dataset.from(() => readTextLines(path));
}
