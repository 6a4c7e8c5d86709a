import { constants } from 'node:fs';
import { access, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '@weft/layers';
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from './training-checkpoint';

/** The checkpoint's file in a checkpointDir. */
export const CHECKPOINT_FILE = 'data-parallel.ckpt';

/**
 * A fit's last checkpoint: in memory (what restarted ranks resume from), and with a directory, on
 * disk, written atomically (temporary file, fsync, rename: a kill during a write leaves the
 * previous checkpoint whole) while training goes on: one write at a time, and a checkpoint that a
 * newer one replaced before its turn is not written.
 */
export class CheckpointStore {
  readonly path: string | null;
  private last: TrainingCheckpoint | null = null;
  private writing: Promise<void> = Promise.resolve();
  private writeError: Error | null = null;

  constructor(dir: string | null) {
    this.path = dir === null ? null : join(resolve(dir), CHECKPOINT_FILE);
  }

  get latest(): TrainingCheckpoint {
    if (!this.last) throw new Error('CheckpointStore: no checkpoint yet');
    return this.last;
  }

  /** The checkpoint a previous fit left on disk, or null; a damaged or foreign file is an error, left in place. */
  async load(): Promise<TrainingCheckpoint | null> {
    if (!this.path) return null;
    const dir = dirname(this.path);
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
    } catch (err) {
      throw new Error(`DataParallel: checkpointDir ${dir} cannot hold checkpoints (${(err as Error).message}): pass a writable directory.`);
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return decodeCheckpoint(bytes, this.path);
  }

  /** Where restarted ranks resume from; kept in memory only (the run's start, or one read from disk). */
  remember(checkpoint: TrainingCheckpoint): void {
    this.last = checkpoint;
  }

  /** Makes `checkpoint` the latest, written out in the background after the write in progress; a failed write fails the next save or flush. */
  save(checkpoint: TrainingCheckpoint): void {
    if (this.writeError) throw this.writeError;
    this.last = checkpoint;
    if (!this.path) return;
    const path = this.path;
    this.writing = this.writing
      .then(() => (this.last === checkpoint ? writeFileAtomic(path, encodeCheckpoint(checkpoint)) : undefined))
      .catch((err: Error) => {
        this.writeError ??= new Error(`DataParallel: writing the checkpoint ${path} failed: ${err.message}. The previous checkpoint there is intact.`);
      });
  }

  /** Waits for the write in progress; rethrows its failure. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.writeError) throw this.writeError;
  }

  /** Removes temporary files that writers killed mid-write left beside the checkpoint. */
  async removeStaleWrites(): Promise<void> {
    if (!this.path) return;
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.tmp-`;
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { force: true })));
  }

  /** A finished fit leaves no checkpoint (Keras's BackupAndRestore): the next fit starts afresh. */
  async remove(): Promise<void> {
    await this.writing; // a failure of the last writes no longer matters
    if (this.path) await rm(this.path, { force: true });
  }
}
