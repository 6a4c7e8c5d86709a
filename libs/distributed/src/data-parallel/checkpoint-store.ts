import { readFile, readdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '@weft/layers';
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from './training-checkpoint';

/** The checkpoint's file in a checkpointDir. */
export const CHECKPOINT_FILE = 'data-parallel.ckpt';

/**
 * A fit's last checkpoint: in memory (what restarted ranks resume from), and with a directory, on
 * disk, written atomically (temporary file, fsync, rename: a kill during a write leaves the
 * previous checkpoint whole) while training goes on; one write at a time.
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

  /** Makes `checkpoint` the latest and writes it out once the previous write is done; a failed write fails the next save or flush. */
  async save(checkpoint: TrainingCheckpoint): Promise<void> {
    await this.flush();
    this.last = checkpoint;
    if (!this.path) return;
    const path = this.path;
    this.writing = writeFileAtomic(path, encodeCheckpoint(checkpoint)).catch((err: Error) => {
      this.writeError = new Error(`DataParallel: writing the checkpoint ${path} failed: ${err.message}. The previous checkpoint there is intact.`);
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
    const dir = join(this.path, '..');
    const prefix = `${basename(this.path)}.tmp-`;
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { force: true })));
  }

  /** A finished fit leaves no checkpoint (Keras's BackupAndRestore): the next fit starts afresh. */
  async remove(): Promise<void> {
    await this.flush();
    if (this.path) await rm(this.path, { force: true });
  }
}
