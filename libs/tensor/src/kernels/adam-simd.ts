/*
 * The Adam update as a hand-assembled wasm SIMD function run on the wasm backend's own memory (the
 * module imports it), four floats a turn: a JS loop over the same arrays is several times slower.
 *
 * (func (export "adam") (param $w $g $m $v $wOut $mOut $vOut i32) (param $n i32)
 *       (param $alpha $c1 $c2 $eps f32)          ;; c1 = 1 - beta1, c2 = 1 - beta2
 *   for i in 0..n step 4 (SIMD, f32x4.splat of the scalars), then the scalar tail:
 *     mi = m[i] + (g[i] - m[i]) * c1;             mOut[i] = mi
 *     vi = v[i] + (g[i] * g[i] - v[i]) * c2;      vOut[i] = vi
 *     wOut[i] = w[i] - (mi * alpha) / (sqrt(vi) + eps))
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

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

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

const simd = (code: number) => [0xfd, ...uleb(code)];
const get = (local: number) => [0x20, ...uleb(local)];
const set = (local: number) => [0x21, ...uleb(local)];

/** The SIMD (lanes = 4, v128 ops) or scalar (lanes = 1, f32 ops) form of one turn of the loop. */
function ops(lanes: 4 | 1) {
  const v = lanes === 4;
  return {
    load: v ? [...simd(0x00), 2, 0] : [0x2a, 2, 0],
    store: v ? [...simd(0x0b), 2, 0] : [0x38, 2, 0],
    add: v ? simd(0xe4) : [0x92],
    sub: v ? simd(0xe5) : [0x93],
    mul: v ? simd(0xe6) : [0x94],
    div: v ? simd(0xe7) : [0x95],
    sqrt: v ? simd(0xe3) : [0x91],
  };
}

// Params 0-6: byte offsets of w, g, m, v, wOut, mOut, vOut; 7: n; 8-11: alpha, c1, c2, eps.
const [W, G, M, V, W_OUT, M_OUT, V_OUT, N, ALPHA, C1, C2, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// Locals: i, end (i32); gi, mi, vi (v128 for the SIMD loop, f32 for the tail); the splatted scalars (v128).
const [I, END, GV, MV, VV, GS, MS, VS, ALPHA4, C14, C24, EPS4] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];

function turn(lanes: 4 | 1): number[] {
  const o = ops(lanes);
  const [g, m, v] = lanes === 4 ? [GV, MV, VV] : [GS, MS, VS];
  const [alpha, c1, c2, eps] = lanes === 4 ? [ALPHA4, C14, C24, EPS4] : [ALPHA, C1, C2, EPS];
  const at = (base: number) => [...get(base), ...get(I), 0x6a];
  return [
    ...at(G), ...o.load, ...set(g),
    ...at(M), ...o.load, ...get(g), ...at(M), ...o.load, ...o.sub, ...get(c1), ...o.mul, ...o.add, ...set(m),
    ...at(M_OUT), ...get(m), ...o.store,
    ...at(V), ...o.load, ...get(g), ...get(g), ...o.mul, ...at(V), ...o.load, ...o.sub, ...get(c2), ...o.mul, ...o.add, ...set(v),
    ...at(V_OUT), ...get(v), ...o.store,
    ...at(W_OUT), ...at(W), ...o.load, ...get(m), ...get(alpha), ...o.mul, ...get(v), ...o.sqrt, ...get(eps), ...o.add, ...o.div, ...o.sub, ...o.store,
  ];
}

/** while (i < end) { body; i += step } */
const loop = (step: number, body: number[]) => [
  0x02, 0x40, 0x03, 0x40,
  ...get(I), ...get(END), 0x4f, 0x0d, 1,
  ...body,
  ...get(I), 0x41, ...uleb(step), 0x6a, ...set(I),
  0x0c, 0, 0x0b, 0x0b,
];

/** end = (n & mask) * 4 bytes */
const setEnd = (mask: number) => [...get(N), 0x41, ...(mask === -4 ? [0x7c] : [0x7f]), 0x71, 0x41, 2, 0x74, ...set(END)];

function adamBody(): number[] {
  const splat = (from: number, to: number) => [...get(from), ...simd(0x13), ...set(to)];
  const code = [
    ...splat(ALPHA, ALPHA4), ...splat(C1, C14), ...splat(C2, C24), ...splat(EPS, EPS4),
    ...setEnd(-4), ...loop(16, turn(4)),
    ...setEnd(-1), ...loop(4, turn(1)),
  ];
  const locals = [[2, I32], [3, V128], [3, F32], [4, V128]];
  const body = [...uleb(locals.length), ...locals.flat(), ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, 'latin1')];

function moduleBytes(sharedMemory: boolean): Uint8Array {
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 12, ...Array(8).fill(I32), ...Array(4).fill(F32), 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('adam'), 0x00, 0]])),
    ...section(10, vector([adamBody()])),
  ]);
}

export type AdamSimd = (
  w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, n: number,
  alpha: number, c1: number, c2: number, eps: number,
) => void;

const instances = new WeakMap<WasmMemory, AdamSimd | null>();

/** The SIMD Adam function bound to `memory`, or null where wasm SIMD is unavailable. */
export function adamSimdOn(memory: WasmMemory): AdamSimd | null {
  if (!instances.has(memory)) {
    const bytes = moduleBytes(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer);
    const fn = Wasm.validate(bytes) ? (new Wasm.Instance(new Wasm.Module(bytes), { env: { memory } }).exports.adam as AdamSimd) : null;
    instances.set(memory, fn);
  }
  return instances.get(memory) ?? null;
}
