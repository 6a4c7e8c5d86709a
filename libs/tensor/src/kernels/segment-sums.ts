import * as tf from '@tensorflow/tfjs-core';
import { elementwiseLoops, F32, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';
import { heapMemory, heapOffset, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the segment sums kernel (ours; registered on wasm and cpu). */
export const WEFT_SEGMENT_SUMS = 'WeftSegmentSums';

/**
 * Where a segment sums kernel writes and what it adds: per segment, `stride` int32s: the first
 * output element, the length, 1 to add +0 once summed (else 0), the number of terms, then where
 * each term starts in the source, in the order to add them (stride = 4 + the most terms).
 */
export interface SegmentPlan {
  entries: Int32Array;
  count: number;
  stride: number;
}

export interface SegmentSumsAttrs {
  shape: number[];
  count: number;
  stride: number;
  scale: number;
}

/** Fields of a plan entry. */
const [AT, LENGTH, PLUS_ZERO, TERMS, FIRST_TERM] = [0, 1, 2, 3, 4];

/*
 * The element-wise work in wasm SIMD on the backend's memory, four floats a turn then a scalar
 * tail (byte offsets, counts in floats):
 *   copy(dst, src, n):           dst[i] = src[i]
 *   add(dst, src, n):            dst[i] = dst[i] + src[i]
 *   finish(dst, n, zero, scale): dst[i] = (dst[i] + zero) * scale
 * zero is +0 (turns -0 into +0, leaves the rest) or -0 (changes nothing).
 */
function elementwise(name: string, params: number[], n: number, turn: (vector: boolean) => number[], splats: Array<[number, number]> = []): AsmFunction {
  const [i, end] = [params.length, params.length + 1];
  const vectors = splats.map((_, k) => params.length + 2 + k);
  return {
    name,
    params,
    locals: [I32, I32, ...splats.map(() => V128)],
    code: [
      ...splats.flatMap(([from], k) => [...op.get(from), ...op.f32x4Splat, ...op.set(vectors[k])]),
      ...elementwiseLoops(n, i, end, (lanes) => turn(lanes === 4)),
    ],
  };
}

const at = (base: number, i: number) => [...op.get(base), ...op.get(i), ...op.i32Add];

function segmentFunctions(): AsmFunction[] {
  const [DST, SRC, N, I] = [0, 1, 2, 3];
  const loadStore = (v: boolean) => (v ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Mul] : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Mul]);
  const copy = elementwise('copy', [I32, I32, I32], N, (v) => {
    const [load, store] = loadStore(v);
    return [...at(DST, I), ...at(SRC, I), ...load, ...store];
  });
  const add = elementwise('add', [I32, I32, I32], N, (v) => {
    const [load, store, plus] = loadStore(v);
    return [...at(DST, I), ...at(DST, I), ...load, ...at(SRC, I), ...load, ...plus, ...store];
  });
  // finish(dst, n, zero, scale): locals i = 4, end = 5, zero4 = 6, scale4 = 7.
  const [N_F, ZERO, SCALE, I_F, ZERO4, SCALE4] = [1, 2, 3, 4, 6, 7];
  const finish = elementwise(
    'finish',
    [I32, I32, F32, F32],
    N_F,
    (v) => {
      const [load, store, plus, times] = loadStore(v);
      const [zero, scale] = v ? [ZERO4, SCALE4] : [ZERO, SCALE];
      return [...at(DST, I_F), ...at(DST, I_F), ...load, ...op.get(zero), ...plus, ...op.get(scale), ...times, ...store];
    },
    [[ZERO, ZERO4], [SCALE, SCALE4]],
  );
  return [copy, add, finish];
}

interface SegmentSimd {
  copy(dst: number, src: number, n: number): void;
  add(dst: number, src: number, n: number): void;
  finish(dst: number, n: number, zero: number, scale: number): void;
}

const instances = new WeakMap<WasmMemory, SegmentSimd | null>();

/**
 * out (all +0 on entry) gets each segment: its first term, plus each further term in order (a
 * Float32Array store rounds the double sum of two float32s to the float32 sum's bits), plus +0
 * where asked, times `scale`. The reference the SIMD version is tested against.
 */
export function addSegments(out: Float32Array, source: Float32Array, plan: SegmentPlan, scale: number): void {
  const { entries, count, stride } = plan;
  for (let s = 0; s < count; s++) {
    const e = s * stride;
    const start = entries[e + AT];
    const end = start + entries[e + LENGTH];
    const first = entries[e + FIRST_TERM] - start;
    for (let i = start; i < end; i++) out[i] = source[first + i];
    for (let t = 1; t < entries[e + TERMS]; t++) {
      const from = entries[e + FIRST_TERM + t] - start;
      for (let i = start; i < end; i++) out[i] += source[from + i];
    }
    const plusZero = entries[e + PLUS_ZERO] !== 0;
    if (!plusZero && scale === 1) continue;
    const zero = plusZero ? 0 : -0;
    for (let i = start; i < end; i++) out[i] = (out[i] + zero) * scale;
  }
}

/** Every segment within the output and every term within the source: the wasm kernel writes to the heap unchecked. */
function checkSegments(outSize: number, sourceSize: number, { entries, count, stride }: SegmentPlan): void {
  if (entries.length < count * stride) throw new Error(`${WEFT_SEGMENT_SUMS}: the plan holds fewer than ${count} entries of ${stride}`);
  for (let e = 0; e < count * stride; e += stride) {
    const [at, length, terms] = [entries[e + AT], entries[e + LENGTH], entries[e + TERMS]];
    let ok = at >= 0 && length >= 0 && at + length <= outSize && terms >= 1 && FIRST_TERM + terms <= stride;
    for (let t = 0; ok && t < terms; t++) ok = entries[e + FIRST_TERM + t] >= 0 && entries[e + FIRST_TERM + t] + length <= sourceSize;
    if (!ok) {
      throw new Error(
        `${WEFT_SEGMENT_SUMS}: segment ${e / stride} [${Array.from(entries.subarray(e, e + stride))}] falls outside the output (${outSize} elements) ` +
          `or the source (${sourceSize}), or has no terms`,
      );
    }
  }
}

// Reached through segmentSums, which checks the plan: the SIMD functions write the heap unchecked.
function segmentSumsWasm({ inputs, backend, attrs }: WasmKernelArgs<SegmentSumsAttrs>): tf.TensorInfo {
  const { source, plan } = inputs;
  const out = backend.makeOutput(attrs.shape, 'float32');
  // Views taken after the last allocation: growing the heap would detach them.
  const values = backend.typedArrayFromHeap(out) as Float32Array;
  values.fill(0);
  const entries = (backend.typedArrayFromHeap(plan) as Int32Array).subarray(0, attrs.count * attrs.stride);
  const memory = heapMemory(backend);
  const simd = memory ? instantiateOn(instances, memory, segmentFunctions) : null;
  if (!simd) {
    addSegments(values, backend.typedArrayFromHeap(source) as Float32Array, { entries, count: attrs.count, stride: attrs.stride }, attrs.scale);
    return out;
  }
  const [src, dst] = [heapOffset(backend, source), heapOffset(backend, out)];
  const { stride, scale } = attrs;
  for (let e = 0; e < entries.length; e += stride) {
    const at = dst + 4 * entries[e + AT];
    const n = entries[e + LENGTH];
    simd.copy(at, src + 4 * entries[e + FIRST_TERM], n);
    for (let t = 1; t < entries[e + TERMS]; t++) simd.add(at, src + 4 * entries[e + FIRST_TERM + t], n);
    if (entries[e + PLUS_ZERO] || scale !== 1) simd.finish(at, n, entries[e + PLUS_ZERO] ? 0 : -0, scale);
  }
  return out;
}

export const segmentSumsKernel: WasmKernel<SegmentSumsAttrs> = {
  kernelName: WEFT_SEGMENT_SUMS,
  kernelFunc: segmentSumsWasm,
};

interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
  readSync(dataId: tf.DataId): tf.TypedArray;
}

if (!tf.getKernel(WEFT_SEGMENT_SUMS, 'cpu')) {
  tf.registerKernel({
    kernelName: WEFT_SEGMENT_SUMS,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as SegmentSumsAttrs;
      const cpu = backend as unknown as CpuBackend;
      const { source, plan } = inputs as Record<'source' | 'plan', tf.TensorInfo>;
      const values = new Float32Array(tf.util.sizeFromShape(a.shape));
      const entries = cpu.readSync(plan.dataId) as Int32Array;
      addSegments(values, cpu.readSync(source.dataId) as Float32Array, { entries, count: a.count, stride: a.stride }, a.scale);
      return cpu.makeTensorInfo(a.shape, 'float32', values);
    },
  });
}

/**
 * A new float32 tensor of `shape`, +0 except where `plan` writes: each segment the float32 sum of
 * its terms (runs of `source`) in the plan's order, plus +0 where the plan asks (what adding the
 * +0 of an absent term would leave), times `scale`. How a sparse all-reduce puts the rows it
 * gathered into a dense gradient, with the bits a dense all-reduce would give, without a dense
 * array in JavaScript: on wasm the sums run in SIMD on the heap, straight into the tensor.
 * Backends without the kernel (tensorflow) get the same values built in JavaScript.
 */
export function segmentSums(shape: number[], source: Float32Array, plan: SegmentPlan, scale = 1): tf.Tensor {
  checkSegments(tf.util.sizeFromShape(shape), source.length, plan);
  const attrs: SegmentSumsAttrs = { shape, count: plan.count, stride: plan.stride, scale };
  if (!tf.getKernel(WEFT_SEGMENT_SUMS, tf.getBackend())) {
    const values = new Float32Array(tf.util.sizeFromShape(shape));
    addSegments(values, source, plan, scale);
    return tf.tensor(values, shape, 'float32');
  }
  return tf.tidy(() => {
    const inputs = { source: tf.tensor1d(source, 'float32'), plan: tf.tensor1d(plan.entries.subarray(0, plan.count * plan.stride), 'int32') };
    return tf.engine().runKernel(WEFT_SEGMENT_SUMS, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}
