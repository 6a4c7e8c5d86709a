import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataFileError } from '../errors';

/** Whether a file starts with the gzip magic bytes (1f 8b), whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await openForReading(path);
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function openForReading(path: string) {
  try {
    return await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new DataFileError(path, 0, `cannot read the file (${why}).`, 'Check the path.');
  }
}

/**
 * A file's text in chunks, streamed (never loaded whole), gunzipped on the fly when it is gzip
 * (by its magic bytes), a leading byte-order mark dropped. A gzip stream that ends early is a
 * DataFileError naming the last complete line.
 */
export async function* textChunks(path: string): AsyncGenerator<string> {
  const gzip = await isGzipFile(path);
  const raw = createReadStream(path);
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  let lines = 0;
  let first = true;
  try {
    for await (const piece of stream) {
      let chunk = piece as string;
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      yield chunk;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')) {
      const what = code === 'Z_BUF_ERROR' ? 'the gzip data ends early (the file is cut short)' : `the gzip data is corrupt (${(err as Error).message})`;
      throw new DataFileError(
        path,
        lines + 1,
        `${what}, after ${lines} complete line(s).`,
        'Download or copy the file again, or check it with `gzip -t`.',
      );
    }
    throw err;
  } finally {
    stream.destroy();
  }
}

/** Lines (without \n or \r\n) of text arriving in chunks; a final line without \n counts. */
export async function* lines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() as string;
    for (const line of parts) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
