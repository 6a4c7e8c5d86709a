import * as fs from 'node:fs/promises';
import * as path from 'node:path';

async function fsyncPath(p: string): Promise<void> {
  const handle = await fs.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const tempName = (target: string) => `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Writes a file atomically: temporary file in the same directory, fsync, rename over the target. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempName(target);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, target);
  await fsyncPath(path.dirname(target));
}

/**
 * Replaces directory `target` with one filled by `fill`, never modifying the previous one in place:
 * the new directory is written and fsynced beside it, then swapped in by renames; the old copy is
 * removed only after the new one is in place.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempName(target);
  await fs.mkdir(tmp);
  try {
    await fill(tmp);
    for (const name of await fs.readdir(tmp)) await fsyncPath(path.join(tmp, name));
    await fsyncPath(tmp);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = `${target}.old-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let hadOld = false;
  try {
    await fs.rename(target, old);
    hadOld = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.rename(tmp, target);
  await fsyncPath(path.dirname(path.resolve(target)));
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}
