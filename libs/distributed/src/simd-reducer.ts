import { wasmAsm } from '@weft/tensor';
import { rankLogger } from '@weft/logging';
import { reduceIntoFunction } from './reduce-into-kernel';
import type { WasmMemory } from './wasm-api';

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

const { op, countedLoop, moduleBytes, instantiateOn, I32, F32, V128 } = wasmAsm;

/** `addr = base + i` for the loops below. */
const at = (base: number, i: number) => [...op.get(base), ...op.get(i), ...op.i32Add];

/** end = (n & mask) << 2 */
const setEnd = (n: number, end: number, mask: number) => [
  ...op.get(n), ...op.i32(mask), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(end),
];

function addFunction(): wasmAsm.AsmFunction {
  const [dst, src, n, i, end] = [0, 1, 2, 3, 4];
  const lane = (offset: number) => [
    ...at(dst, i), ...at(dst, i), ...op.v128Load(offset), ...at(src, i), ...op.v128Load(offset),
    ...op.f32x4Add, ...op.v128Store(offset),
  ];
  const scalar = [...at(dst, i), ...at(dst, i), ...op.f32Load(), ...at(src, i), ...op.f32Load(), ...op.f32Add, ...op.f32Store()];
  return {
    name: 'add',
    params: [I32, I32, I32],
    locals: [I32, I32],
    code: [
      ...setEnd(n, end, -8), ...countedLoop(i, end, 32, [...lane(0), ...lane(16)]),
      ...setEnd(n, end, -1), ...countedLoop(i, end, 4, scalar),
    ],
  };
}

function scaleFunction(): wasmAsm.AsmFunction {
  const [dst, n, f, i, end, v] = [0, 1, 2, 3, 4, 5];
  const lane = [...at(dst, i), ...at(dst, i), ...op.v128Load(), ...op.get(v), ...op.f32x4Mul, ...op.v128Store()];
  const scalar = [...at(dst, i), ...at(dst, i), ...op.f32Load(), ...op.get(f), ...op.f32Mul, ...op.f32Store()];
  return {
    name: 'scale',
    params: [I32, I32, F32],
    locals: [I32, I32, V128],
    code: [
      ...op.get(f), ...op.f32x4Splat, ...op.set(v),
      ...setEnd(n, end, -4), ...countedLoop(i, end, 16, lane),
      ...setEnd(n, end, -1), ...countedLoop(i, end, 4, scalar),
    ],
  };
}

const reducerFunctions = () => [addFunction(), scaleFunction()];

/** The module's bytes; a shared memory can only be imported by a module declaring it shared. */
export function reducerModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes(reducerFunctions(), shared);
}

/** Element-wise float32 work on one WebAssembly.Memory; offsets in bytes, counts in floats. */
export interface Reducer {
  /** dst[i] += src[i] for i < count. */
  add(dstByte: number, srcByte: number, count: number): void;
  /** dst[i] *= factor for i < count. */
  scale(dstByte: number, count: number, factor: number): void;
  /**
   * Sums `srcCount` arrays element-wise in table order, times `factor`, into each of `dstCount`
   * arrays, in one pass (see reduce-into-kernel.ts); the tables hold their byte offsets as int32s.
   */
  reduceInto(srcTable: number, srcCount: number, dstTable: number, dstCount: number, count: number, factor: number): void;
  readonly simd: boolean;
}

type ReducerExports = Pick<Reducer, 'add' | 'scale'>;
type ReduceIntoExports = { reduceInto(srcTable: number, dstTable: number, count: number, factor: number): void };

const instances = new WeakMap<WasmMemory, ReducerExports | null>();
/** reduceInto instances by source and destination count ('2x2'), then by memory. */
const reduceIntoInstances = new Map<string, WeakMap<WasmMemory, ReduceIntoExports | null>>();
let warned = false;

/** reduceInto for a given number of sources and destinations, built and instantiated on first use. */
function reduceIntoOn(memory: WasmMemory, sources: number, destinations: number): ReduceIntoExports['reduceInto'] {
  const key = `${sources}x${destinations}`;
  let cache = reduceIntoInstances.get(key);
  if (!cache) reduceIntoInstances.set(key, (cache = new WeakMap()));
  return instantiateOn(cache, memory, () => [reduceIntoFunction(sources, destinations)])!.reduceInto;
}

/** A reducer on `memory`: the SIMD wasm kernel, or a plain JS loop (with a warning) without wasm SIMD. */
export function createReducer(memory: WasmMemory, rank = 0): Reducer {
  const exports = instantiateOn(instances, memory, reducerFunctions);
  if (exports) {
    return {
      add: exports.add,
      scale: exports.scale,
      reduceInto: (srcTable, srcCount, dstTable, dstCount, count, factor) =>
        reduceIntoOn(memory, srcCount, dstCount)(srcTable, dstTable, count, factor),
      simd: true,
    };
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
      // The kernel's factor is an f32 parameter: round it alike, for the same bits.
      const f = Math.fround(factor);
      for (let i = 0; i < count; i++) f32[d + i] *= f;
    },
    reduceInto(srcTable, srcCount, dstTable, dstCount, count, factor) {
      const f32 = new Float32Array(memory.buffer);
      const i32 = new Int32Array(memory.buffer);
      const sources = Array.from({ length: srcCount }, (_, k) => i32[(srcTable >> 2) + k] >> 2);
      const targets = Array.from({ length: dstCount }, (_, k) => i32[(dstTable >> 2) + k] >> 2);
      const f = Math.fround(factor); // as the wasm kernel's f32 parameter
      for (let i = 0; i < count; i++) {
        let v = f32[sources[0] + i];
        for (let k = 1; k < srcCount; k++) v = Math.fround(v + f32[sources[k] + i]);
        v = Math.fround(v * f);
        for (const t of targets) f32[t + i] = v;
      }
    },
  };
}
