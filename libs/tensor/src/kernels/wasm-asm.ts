/*
 * A small assembler for hand-written wasm functions that work on the wasm backend's own memory
 * (the module imports it): opcodes as byte arrays, structured loops, and a module builder.
 * Enough for element-wise float32 kernels with SIMD (f32x4); see adam-simd.ts and lstm-cell-simd.ts.
 */

/** The slice of the WebAssembly global used here (the workspace compiles without the DOM lib, which declares it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const simd = (code: number) => [0xfd, ...uleb(code)];
const f32Bytes = (value: number) => [...new Uint8Array(new Float32Array([value]).buffer)];

export const op = {
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  f32: (value: number) => [0x43, ...f32Bytes(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32Eqz: [0x45],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f32Abs: [0x8b],
  f32Neg: [0x8c],
  f32Lt: [0x5d],
  f32Eq: [0x5b],
  f32Gt: [0x5e],
  select: [0x1b],
  v128Load: (offset = 0) => [...simd(0x00), 2, ...uleb(offset)],
  v128Store: (offset = 0) => [...simd(0x0b), 2, ...uleb(offset)],
  /** v128.load32_splat: one float from memory into all four lanes. */
  v128Load32Splat: (offset = 0) => [...simd(0x09), 2, ...uleb(offset)],
  v128Zero: [...simd(0x0c), ...Array(16).fill(0)],
  /** v128.const: `value` in all four float lanes. */
  f32x4Const: (value: number) => [...simd(0x0c), ...[0, 1, 2, 3].flatMap(() => f32Bytes(value))],
  f32x4Splat: simd(0x13),
  f32x4Extract: (lane: number) => [...simd(0x1f), lane],
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  /** pmin(a, b) = b < a ? b : a (one instruction; f32x4.min's NaN and signed-zero rules cost several in V8) */
  f32x4Pmin: simd(0xea),
  /** pmax(a, b) = a < b ? b : a */
  f32x4Pmax: simd(0xeb),
  f32x4Sqrt: simd(0xe3),
  f32x4Abs: simd(0xe0),
  f32x4Neg: simd(0xe1),
  /** Lane masks (all ones where true). */
  f32x4Eq: simd(0x41),
  f32x4Lt: simd(0x43),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  /** andnot(a, b) = a & ~b */
  v128Andnot: simd(0x4f),
  i32x4Add: simd(0xae),
  i32x4Shl: simd(0xab),
  i32x4Splat: simd(0x11),
  /** i8x16.shuffle of the two v128 on the stack, picking four 32-bit lanes (0-3 from the first, 4-7 from the second). */
  i32x4Shuffle: (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
  /** if (cond on the stack) { then } else { otherwise } */
  ifElse: (then: number[], otherwise: number[] = []) => [0x04, 0x40, ...then, ...(otherwise.length ? [0x05, ...otherwise] : []), 0x0b],
};

/** while (i < end) { body; i += step } with i32 locals. */
export const countedLoop = (i: number, end: number, step: number, body: number[]): number[] => [
  0x02, 0x40, 0x03, 0x40,
  ...op.get(i), ...op.get(end), ...op.i32GeU, 0x0d, 1,
  ...body,
  ...op.get(i), ...op.i32(step), ...op.i32Add, ...op.set(i),
  0x0c, 0, 0x0b, 0x0b,
];

/**
 * An element-wise pass over n floats (i32 locals n, i, end; i counts bytes from 0): four floats a
 * turn while four remain, then one a turn. `turn(lanes)` is the code of one turn at byte i.
 */
export const elementwiseLoops = (n: number, i: number, end: number, turn: (lanes: 4 | 1) => number[]): number[] => {
  // end = (n & mask) * 4 bytes
  const setEnd = (mask: number) => [...op.get(n), ...op.i32(mask), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(end)];
  return [...setEnd(-4), ...countedLoop(i, end, 16, turn(4)), ...setEnd(-1), ...countedLoop(i, end, 4, turn(1))];
};

/** do { body } while (i < end), i32 locals: for loops known to run at least once. */
export const doWhileBelow = (i: number, end: number, body: number[]): number[] => [
  0x03, 0x40, ...body, ...op.get(i), ...op.get(end), ...op.i32LtU, 0x0d, 0, 0x0b,
];

/** A function: its signature, extra locals (type per local) and code. */
export interface AsmFunction {
  name: string;
  params: number[];
  locals: number[];
  code: number[];
}

/** A function's slots by name (what op.get, op.set and op.tee take), and the types of its params and locals. */
export interface Frame<Name extends string> {
  readonly slot: Readonly<Record<Name, number>>;
  readonly params: number[];
  readonly locals: number[];
}

/**
 * Numbers a function's params, then its locals, as wasm numbers them, and names each slot, so that
 * code reads op.get($.units) (the text format's `local.get $units`) rather than a slot number.
 * Each group is [type, names in order].
 */
export function frame<const Param extends string, const Local extends string>(
  params: readonly (readonly [type: number, names: readonly Param[]])[],
  locals: readonly (readonly [type: number, names: readonly Local[]])[],
): Frame<Param | Local> {
  const slot: Record<string, number> = {};
  const number = (groups: readonly (readonly [number, readonly string[]])[]) =>
    groups.flatMap(([type, names]) =>
      names.map((name) => {
        if (name in slot) throw new Error(`frame: the slot name '${name}' is used twice.`);
        slot[name] = Object.keys(slot).length;
        return type;
      }),
    );
  const paramTypes = number(params);
  return { slot: slot as Record<Param | Local, number>, params: paramTypes, locals: number(locals) };
}

function functionBody(fn: AsmFunction): number[] {
  // Runs of equal types, as the binary format groups locals.
  const groups: number[][] = [];
  for (const type of fn.locals) {
    const last = groups[groups.length - 1];
    if (last && last[1] === type) last[0]++;
    else groups.push([1, type]);
  }
  const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...fn.code, 0x0b];
  return [...uleb(body.length), ...body];
}

const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, 'latin1')];

/** A module importing env.memory (shared when the memory is), exporting the functions (no results). */
export function moduleBytes(functions: AsmFunction[], sharedMemory: boolean): Uint8Array {
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]))),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map(functionBody))),
  ]);
}

/**
 * Instantiates a module's functions on `memory` once per memory and builder; null where the
 * module does not validate (no wasm SIMD).
 */
export function instantiateOn<T>(cache: WeakMap<WasmMemory, T | null>, memory: WasmMemory, functions: () => AsmFunction[]): T | null {
  if (!cache.has(memory)) {
    const bytes = moduleBytes(functions(), typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer);
    cache.set(memory, Wasm.validate(bytes) ? (new Wasm.Instance(new Wasm.Module(bytes), { env: { memory } }).exports as T) : null);
  }
  return cache.get(memory) ?? null;
}
