import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** A file's text in chunks, gunzipped on the fly when the name ends in .gz. */
export async function* textChunks(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  for await (const chunk of stream) yield chunk as string;
}

/** Lines (without their \n or \r\n) of text arriving in chunks. */
export async function* lines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() as string;
    for (const line of parts) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
