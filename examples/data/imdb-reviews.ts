import { csvDataset } from '@weft/data';

export interface Review {
  text: string;
  /** 0 negative, 1 positive. */
  label: number;
}

/** The review with its HTML line breaks (`<br />`, `<br/>`, `<br>`) turned into spaces. */
export function stripLineBreakTags(text: string): string {
  return text.replace(/<br\s*\/?>/gi, ' ');
}

/** Reviews from an IMDB CSV file (.csv or .csv.gz, header label,rating,file,text), `<br />` stripped. */
export async function readImdbCsvFile(path: string): Promise<Review[]> {
  const reviews: Review[] = [];
  for await (const { line, values } of csvDataset(path)) {
    const label = Number(values.label);
    if (values.text === undefined || !(label === 0 || label === 1)) {
      throw new Error(`${path}, line ${line}: expected columns label (0 or 1) and text, got label '${values.label}'`);
    }
    reviews.push({ text: stripLineBreakTags(values.text), label });
  }
  return reviews;
}
