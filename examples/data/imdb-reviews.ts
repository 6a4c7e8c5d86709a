import { csvRows } from './csv';
import { textChunks } from './text-stream';

export interface Review {
  text: string;
  /** 0 negative, 1 positive. */
  label: number;
}

/** The review with its HTML line breaks (`<br />`, `<br/>`, `<br>`) turned into spaces. */
export function stripLineBreakTags(text: string): string {
  return text.replace(/<br\s*\/?>/gi, ' ');
}

/** Reviews from the IMDB CSV (header label,rating,file,text), `<br />` stripped. */
export async function readImdbCsv(chunks: AsyncIterable<string> | Iterable<string>): Promise<Review[]> {
  const reviews: Review[] = [];
  for await (const row of csvRows(chunks)) {
    const label = Number(row.label);
    if (row.text === undefined || !(label === 0 || label === 1)) {
      throw new Error(`IMDB CSV: expected columns label (0 or 1) and text, got label '${row.label}' in row ${reviews.length + 1}`);
    }
    reviews.push({ text: stripLineBreakTags(row.text), label });
  }
  return reviews;
}

/** Reviews from an IMDB CSV file (.csv or .csv.gz). */
export function readImdbCsvFile(path: string): Promise<Review[]> {
  return readImdbCsv(textChunks(path));
}
