/**
 * A problem in a data file, with where it is and how to fix it:
 * "data.csv, line 12: the row has 3 fields, the header has 4. Quote fields that hold the delimiter."
 */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line; 0 when the problem is the file as a whole. */
    readonly line: number,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}${line > 0 ? `, line ${line}` : ''}: ${problem}${fix ? ` ${fix}` : ''}`);
    this.name = 'DataFileError';
  }
}
