import { rankLogger } from '@weft/tensor';
import { Wasm, type WasmMemory, type WasmModule } from './wasm-api';

/*
 * A hand-assembled wasm module doing the element-wise float32 work of a reduction on a memory it
 * imports, so that every thread instantiating it on the same shared WasmMemory reduces in
 * place in the SharedArrayBuffer the group uses. Offsets are in bytes, counts in floats.
 *
 * (module
 *   (import "env" "memory" (memory 0 65536 shared))   ;; "shared" only in the shared variant
 *   (func (export "add") (param $dst i32) (param $src i32) (param $n i32)
 *     (local $i i32) (local $end i32)
 *     (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2)))
 *     (block (loop                                      ;; 8 floats a turn, two f32x4 lanes
 *       (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
 *       (v128.store (i32.add (local.get $dst) (local.get $i))
 *         (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $i)))
 *                    (v128.load (i32.add (local.get $src) (local.get $i)))))
 *       (v128.store offset=16 (i32.add (local.get $dst) (local.get $i))
 *         (f32x4.add (v128.load offset=16 (i32.add (local.get $dst) (local.get $i)))
 *                    (v128.load offset=16 (i32.add (local.get $src) (local.get $i)))))
 *       (local.set $i (i32.add (local.get $i) (i32.const 32)))
 *       (br 0)))
 *     (local.set $end (i32.shl (local.get $n) (i32.const 2)))
 *     (block (loop                                      ;; the scalar tail
 *       (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
 *       (f32.store (i32.add (local.get $dst) (local.get $i))
 *         (f32.add (f32.load (i32.add (local.get $dst) (local.get $i)))
 *                  (f32.load (i32.add (local.get $src) (local.get $i)))))
 *       (local.set $i (i32.add (local.get $i) (i32.const 4)))
 *       (br 0))))
 *   (func (export "scale") (param $dst i32) (param $n i32) (param $f f32)
 *     (local $i i32) (local $end i32) (local $v v128)
 *     (local.set $v (f32x4.splat (local.get $f)))
 *     (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
 *       (v128.store (i32.add (local.get $dst) (local.get $i))
 *         (f32x4.mul (v128.load (i32.add (local.get $dst) (local.get $i))) (local.get $v)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 16)))
 *       (br 0)))
 *     (local.set $end (i32.shl (local.get $n) (i32.const 2)))
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
 *       (f32.store (i32.add (local.get $dst) (local.get $i))
 *         (f32.mul (f32.load (i32.add (local.get $dst) (local.get $i))) (local.get $f)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 4)))
 *       (br 0)))))
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  f32Mul: [0x94],
  v128Load: (offset: number) => [0xfd, 0x00, 4, offset],
  v128Store: (offset: number) => [0xfd, 0x0b, 4, offset],
  f32x4Splat: [0xfd, 0x13],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
};

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Buffer.from(text, 'latin1')];
const fnBody = (locals: number[][], code: number[]): number[] => {
  const body = [...vector(locals), ...code, ...op.end];
  return [...uleb(body.length), ...body];
};

/** `addr = base + i` for the loops below; locals: 0 dst, then i and end after the params. */
const at = (base: number, i: number) => [...op.get(base), ...op.get(i), ...op.i32Add];

/** while (i < end) { body; i += step } */
const countedLoop = (i: number, end: number, step: number, body: number[]) => [
  ...op.block, ...op.loop,
  ...op.get(i), ...op.get(end), ...op.i32GeU, ...op.brIf(1),
  ...body,
  ...op.get(i), ...op.i32Const(step), ...op.i32Add, ...op.set(i),
  ...op.br(0), ...op.end, ...op.end,
];

/** end = (n & mask) << 2 */
const setEnd = (n: number, end: number, mask: number) => [
  ...op.get(n), ...op.i32Const(mask), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.set(end),
];

function addBody(): number[] {
  const [dst, src, n, i, end] = [0, 1, 2, 3, 4];
  const lane = (offset: number) => [
    ...at(dst, i), ...at(dst, i), ...op.v128Load(offset), ...at(src, i), ...op.v128Load(offset),
    ...op.f32x4Add, ...op.v128Store(offset),
  ];
  const scalar = [...at(dst, i), ...at(dst, i), ...op.f32Load, ...at(src, i), ...op.f32Load, ...op.f32Add, ...op.f32Store];
  return fnBody(
    [[2, I32]],
    [
      ...setEnd(n, end, -8), ...countedLoop(i, end, 32, [...lane(0), ...lane(16)]),
      ...setEnd(n, end, -1), ...countedLoop(i, end, 4, scalar),
    ],
  );
}

function scaleBody(): number[] {
  const [dst, n, f, i, end, v] = [0, 1, 2, 3, 4, 5];
  const lane = [...at(dst, i), ...at(dst, i), ...op.v128Load(0), ...op.get(v), ...op.f32x4Mul, ...op.v128Store(0)];
  const scalar = [...at(dst, i), ...at(dst, i), ...op.f32Load, ...op.get(f), ...op.f32Mul, ...op.f32Store];
  return fnBody(
    [[2, I32], [1, V128]],
    [
      ...op.get(f), ...op.f32x4Splat, ...op.set(v),
      ...setEnd(n, end, -4), ...countedLoop(i, end, 16, lane),
      ...setEnd(n, end, -1), ...countedLoop(i, end, 4, scalar),
    ],
  );
}

/** The module's bytes; a shared memory can only be imported by a module declaring it shared. */
export function reducerModuleBytes(shared: boolean): Uint8Array {
  const memoryLimits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x01, ...uleb(0), ...uleb(65536)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 3, I32, I32, I32, 0], [0x60, 3, I32, I32, F32, 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vector([[0], [1]])),
    ...section(7, vector([[...name('add'), 0x00, 0], [...name('scale'), 0x00, 1]])),
    ...section(10, vector([addBody(), scaleBody()])),
  ]);
}

/** Element-wise float32 work on one WebAssembly.Memory; offsets in bytes, counts in floats. */
export interface Reducer {
  /** dst[i] += src[i] for i < count. */
  add(dstByte: number, srcByte: number, count: number): void;
  /** dst[i] *= factor for i < count. */
  scale(dstByte: number, count: number, factor: number): void;
  readonly simd: boolean;
}

const compiled = new Map<boolean, WasmModule | null>();
let warned = false;

function compiledModule(shared: boolean): WasmModule | null {
  if (!compiled.has(shared)) {
    const bytes = reducerModuleBytes(shared);
    compiled.set(shared, Wasm.validate(bytes) ? new Wasm.Module(bytes) : null);
  }
  return compiled.get(shared) ?? null;
}

/** A reducer on `memory`: the SIMD wasm kernel, or a plain JS loop (with a warning) without wasm SIMD. */
export function createReducer(memory: WasmMemory, shared: boolean, rank = 0): Reducer {
  const module = compiledModule(shared);
  if (module) {
    const exports = new Wasm.Instance(module, { env: { memory } }).exports as {
      add(dst: number, src: number, n: number): void;
      scale(dst: number, n: number, f: number): void;
    };
    return { add: exports.add, scale: exports.scale, simd: true };
  }
  if (!warned) {
    warned = true;
    rankLogger(rank).warn('wasm SIMD is unavailable: collectives reduce with a plain JS loop (several times slower)');
  }
  return jsReducer(memory);
}

/** The same work as a plain JS loop: the fallback where wasm SIMD does not validate. */
export function jsReducer(memory: WasmMemory): Reducer {
  return {
    simd: false,
    add(dstByte, srcByte, count) {
      const f32 = new Float32Array(memory.buffer);
      const d = dstByte >> 2;
      const s = srcByte >> 2;
      for (let i = 0; i < count; i++) f32[d + i] += f32[s + i];
    },
    scale(dstByte, count, factor) {
      const f32 = new Float32Array(memory.buffer);
      const d = dstByte >> 2;
      for (let i = 0; i < count; i++) f32[d + i] *= factor;
    },
  };
}
