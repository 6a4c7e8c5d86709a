import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Where one named tensor lives inside a flat float32 buffer. */
export interface FlatEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** First element (not byte) of the tensor in the buffer. */
  readonly offset: number;
  /** Number of elements. */
  readonly size: number;
}

/** A tensor's name and shape: what a layout is built from (a FlatEntry is one too). */
export interface FlatSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * A fixed order of named float32 tensors laid end to end in one Float32Array: what gradient
 * all-reduce sends. Every rank that builds a layout from the same specs, in the same order, gets
 * the same offsets. `new FlatLayout(layout.entries)` rebuilds a layout received in a message.
 */
export class FlatLayout {
  readonly entries: readonly FlatEntry[];
  /** Total elements. */
  readonly size: number;
  private readonly byName: Map<string, FlatEntry>;

  /**
   * `alignFloats`: each tensor starts at a multiple of this many elements (the gaps stay zero).
   * Buffers in shared memory want it: V8 copies into and out of a SharedArrayBuffer word by word
   * when both sides are aligned alike, else byte by byte (8x slower for a tensor at an odd offset).
   */
  constructor(specs: readonly FlatSpec[], { alignFloats = 1 }: { alignFloats?: number } = {}) {
    if (!Number.isInteger(alignFloats) || alignFloats < 1) throw new Error(`FlatLayout: alignFloats must be a positive integer. Received: ${alignFloats}`);
    const entries: FlatEntry[] = [];
    this.byName = new Map();
    let offset = 0;
    for (const { name, shape } of specs) {
      offset = Math.ceil(offset / alignFloats) * alignFloats;
      if (this.byName.has(name)) throw new Error(`FlatLayout: the name '${name}' appears twice; names must be unique.`);
      if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`FlatLayout: '${name}' has an invalid shape. Received: shape=[${shape}]`);
      }
      const size = shape.reduce((a, b) => a * b, 1);
      const entry: FlatEntry = { name, shape: [...shape], offset, size };
      entries.push(entry);
      this.byName.set(name, entry);
      offset += size;
    }
    this.entries = entries;
    this.size = offset;
  }

  /** The layout of these tensors, in the order given (a map's insertion order). */
  static of(tensors: tf.NamedTensorMap): FlatLayout {
    return new FlatLayout(Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape })));
  }

  entry(name: string): FlatEntry {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`FlatLayout: no tensor named '${name}'. Known: ${[...this.byName.keys()].join(', ')}`);
    return entry;
  }

  /** A zeroed buffer for this layout; `shared` puts it on a SharedArrayBuffer (for worker threads). */
  allocate({ shared = false }: { shared?: boolean } = {}): Float32Array {
    const bytes = this.size * Float32Array.BYTES_PER_ELEMENT;
    return new Float32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /**
   * Copies the tensors into `into` (allocated when omitted) at their offsets and returns it.
   * Every layout name must be present with its shape and dtype float32; no tensor is created,
   * and on the wasm backend values are read straight from its heap.
   */
  pack(tensors: tf.NamedTensorMap, into: Float32Array = this.allocate()): Float32Array {
    this.checkBuffer(into);
    for (const entry of this.entries) {
      const t = tensors[entry.name];
      if (!t) throw new Error(`FlatLayout.pack: the tensor '${entry.name}' is missing.`);
      if (t.dtype !== 'float32') {
        throw new Error(`FlatLayout.pack: '${entry.name}' must be float32. Received: dtype=${t.dtype}`);
      }
      if (!tf.util.arraysEqual(t.shape, entry.shape as number[])) {
        throw new Error(`FlatLayout.pack: '${entry.name}' must have shape [${entry.shape}]. Received: shape=[${t.shape}]`);
      }
      into.set(valuesOf(t), entry.offset);
    }
    return into;
  }

  /** Copies one tensor of the layout into `into` at its offset (pack, for a tensor that is ready before the others). */
  packOne(name: string, tensor: tf.Tensor, into: Float32Array): void {
    const entry = this.entry(name);
    if (tensor.dtype !== 'float32' || !tf.util.arraysEqual(tensor.shape, entry.shape as number[])) {
      throw new Error(`FlatLayout.packOne: '${name}' must be float32 of shape [${entry.shape}]. Received: ${tensor.dtype} [${tensor.shape}]`);
    }
    into.set(valuesOf(tensor), entry.offset);
  }

  /** New tensors (owned by the caller) holding copies of the buffer's values. */
  unpack(buffer: Float32Array): tf.NamedTensorMap {
    this.checkBuffer(buffer);
    // The cpu backend keeps the array it is given; hand it a copy so later writes to the buffer
    // cannot change the tensors. The wasm backend copies onto its heap by itself.
    const copies = tf.getBackend() !== 'wasm';
    const out: tf.NamedTensorMap = {};
    for (const { name, shape, offset, size } of this.entries) {
      const view = buffer.subarray(offset, offset + size);
      out[name] = tf.tensor(copies ? view.slice() : view, shape as number[], 'float32');
    }
    return out;
  }

  /** Views into the buffer, one per name (no copy: writes go to the buffer). */
  views(buffer: Float32Array): Record<string, Float32Array> {
    this.checkBuffer(buffer);
    const out: Record<string, Float32Array> = {};
    for (const { name, offset, size } of this.entries) out[name] = buffer.subarray(offset, offset + size);
    return out;
  }

  private checkBuffer(buffer: Float32Array): void {
    if (buffer.length !== this.size) {
      throw new Error(`FlatLayout: the buffer must hold ${this.size} floats for this layout. Received: length=${buffer.length}`);
    }
  }
}

/**
 * A float32 tensor's values without a copy where the backend allows (wasm heap, cpu arrays): read
 * them at once and do not write them (on wasm the view dies when the heap grows).
 */
export function valuesOf(t: tf.Tensor): Float32Array {
  const engine = tf.engine();
  if (engine.backendName === 'wasm') {
    const wasm = engine.backend as BackendWasm;
    if (wasm.dataIdMap.has(t.dataId)) return wasm.typedArrayFromHeap(t) as Float32Array;
  }
  return t.dataSync() as Float32Array;
}
