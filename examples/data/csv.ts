/**
 * RFC 4180 CSV records from text arriving in chunks: fields separated by commas, records by CRLF
 * or LF; a quoted field may hold commas, line breaks and doubled quotes ("" -> "). A record may
 * span any number of chunks.
 */
export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string[]> {
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteSeen = false; // in a quoted field, the previous char was a quote (a close, or half of "")
  let atFieldStart = true;
  let pendingCr = false;
  for await (const chunk of chunks) {
    for (const c of chunk) {
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // that quote closed the field; c is handled below
        } else if (c === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += c;
          continue;
        }
      }
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue; // the CRLF's LF: the record already ended
      }
      if (c === '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
      } else if (c === ',') {
        record.push(field);
        field = '';
        atFieldStart = true;
      } else if (c === '\n' || c === '\r') {
        record.push(field);
        yield record;
        record = [];
        field = '';
        atFieldStart = true;
        pendingCr = c === '\r';
      } else {
        field += c;
        atFieldStart = false;
      }
    }
  }
  if (inQuotes && !quoteSeen) throw new Error('CSV: the input ends inside a quoted field (a closing quote is missing)');
  if (!atFieldStart || record.length > 0 || quoteSeen) {
    record.push(field);
    yield record;
  }
}

/** CSV records as objects keyed by the header row's names; a row whose field count differs is an error. */
export async function* csvRows(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Record<string, string>> {
  let header: string[] | undefined;
  let line = 0;
  for await (const record of csvRecords(chunks)) {
    line++;
    if (header === undefined) {
      header = record;
      continue;
    }
    if (record.length === 1 && record[0] === '') continue; // a blank line
    if (record.length !== header.length) {
      throw new Error(`CSV: record ${line} has ${record.length} fields, the header has ${header.length}`);
    }
    yield Object.fromEntries(header.map((name, i) => [name, record[i]]));
  }
}
