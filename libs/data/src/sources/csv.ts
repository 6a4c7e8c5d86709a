import { parse, type CsvError, type Parser } from 'csv-parse';
import { once } from 'node:events';
import { Dataset } from '../dataset';
import { DataFileError } from '../errors';
import { textChunks } from './text-stream';

export interface CsvRow {
  /** The row's first line in the file (1-based; a quoted field may span several lines). */
  line: number;
  /** Field values by column name: the header's names, or '1', '2', ... without a header. */
  values: Record<string, string>;
}

export interface CsvOptions {
  /** Field separator; default ',' , or a tab for .tsv / .tab files (gzipped or not). */
  delimiter?: string;
  /** true (default): the first row names the columns; false: columns are named '1', '2', ...; or the names. */
  header?: boolean | string[];
  /**
   * Quoted fields (RFC 4180): default on for CSV, off for TSV (IANA's TSV has no quoting, and
   * texts often start with a quote).
   */
  quote?: boolean;
}

/** The delimiter a file name implies: a tab for .tsv/.tab (also .tsv.gz), else a comma. */
export function delimiterFor(path: string): string {
  return /\.(tsv|tab)(\.gz)?$/i.test(path) ? '\t' : ',';
}

function csvProblem(err: CsvError): { problem: string; fix: string } {
  switch (err.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = (err as CsvError & { record?: unknown[] }).record?.length;
      const expected = err.message.match(/(?:columns length is|expect) (\d+)/)?.[1];
      const reference = err.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? 'the header' : 'the first row';
      return {
        problem: `the row has ${got ?? 'a different number of'} field(s), ${reference} has ${expected ?? 'another number'}.`,
        fix: 'Quote fields that contain the delimiter, or fix the row.',
      };
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return { problem: 'a quoted field is never closed (the file ends inside it).', fix: 'Add the closing quote.' };
    case 'CSV_INVALID_CLOSING_QUOTE':
      return { problem: `a quoted field has characters after its closing quote (${err.message}).`, fix: 'Double the quotes inside quoted fields ("").' };
    default:
      return { problem: `the row cannot be read: ${err.message}.`, fix: 'Fix the row.' };
  }
}

/** Writes the chunks into the parser as it asks for them; a read error (a cut-short gzip) fails the parser with it. */
async function feed(parser: Parser, chunks: AsyncIterable<string>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  } catch (err) {
    parser.destroy(err as Error);
  }
}

async function* readRows(path: string, options: CsvOptions): AsyncGenerator<CsvRow> {
  const delimiter = options.delimiter ?? delimiterFor(path);
  const header = options.header ?? true;
  const quote = options.quote ?? delimiter !== '\t';
  // Both line endings, even mixed in one file (csv-parse otherwise keeps the first one it sees).
  const parser = parse({ delimiter, record_delimiter: ['\r\n', '\n'], columns: header === true, quote: quote ? '"' : false, skip_empty_lines: true, info: true });
  void feed(parser, textChunks(path));
  let names = Array.isArray(header) ? header : null;
  let nextLine = header === true ? 2 : 1;
  let emptyLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[] | Record<string, string>; info: { lines: number; empty_lines: number } }>) {
      const line = nextLine + info.empty_lines - emptyLines; // blank lines skipped since the last row
      nextLine = info.lines + 1;
      emptyLines = info.empty_lines;
      if (!Array.isArray(record)) {
        yield { line, values: record };
        continue;
      }
      names ??= record.map((_, i) => String(i + 1));
      if (record.length !== names.length) {
        throw new DataFileError(path, line, `the row has ${record.length} field(s), the first row has ${names.length}.`, 'Quote fields that contain the delimiter, or fix the row.');
      }
      yield { line, values: Object.fromEntries(names.map((n, i) => [n, record[i]])) };
    }
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    if ((err as CsvError).code?.startsWith('CSV_')) {
      const { problem, fix } = csvProblem(err as CsvError);
      throw new DataFileError(path, (err as CsvError & { lines?: number }).lines ?? nextLine, problem, fix);
    }
    throw err;
  } finally {
    parser.destroy();
  }
}

/**
 * The rows of a CSV or TSV file (gzipped or not), streamed, parsed by csv-parse (RFC 4180:
 * quoted fields may hold delimiters, line breaks and doubled quotes). Blank lines are skipped; a
 * row with the wrong number of fields is a DataFileError naming its line.
 */
export function csvDataset(path: string, options: CsvOptions = {}): Dataset<CsvRow> {
  return Dataset.from(() => readRows(path, options));
}
