import type { SharedTexts } from '@weft/layers';

/**
 * An array of texts put in shared memory as UTF-8 with byte offsets (text i is bytes
 * offsets[i]..offsets[i + 1]), so that thread tasks name row ranges instead of copying texts.
 * The offsets are computed at once; the texts are written as far as asked, so the threads start
 * on the first rows while this thread writes the next ones.
 */
export class SharedTextArray {
  readonly shared: SharedTexts;
  private readonly buffer: Buffer;
  private readonly offsets: Int32Array;
  /** The texts not all written yet (null once they are). */
  private texts: string[] | null;
  private written = 0;

  constructor(texts: string[]) {
    this.offsets = new Int32Array(new SharedArrayBuffer((texts.length + 1) * 4));
    for (let i = 0; i < texts.length; i++) this.offsets[i + 1] = this.offsets[i] + Buffer.byteLength(texts[i], 'utf8');
    const bytes = new SharedArrayBuffer(this.offsets[texts.length]);
    this.buffer = Buffer.from(bytes);
    this.shared = { bytes, offsets: this.offsets.buffer as SharedArrayBuffer };
    this.texts = texts;
  }

  /** Writes texts up to (not including) row `to`, if not yet written. */
  writeTo(to: number): void {
    const texts = this.texts;
    if (!texts) return;
    for (; this.written < to; this.written++) this.buffer.write(texts[this.written], this.offsets[this.written], 'utf8');
    if (this.written === texts.length) this.texts = null;
  }
}
