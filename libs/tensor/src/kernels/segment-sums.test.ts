import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmTrainingKernels } from './register';
import { addSegments, segmentSums, type SegmentPlan } from './segment-sums';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function valuesOf(t: tf.Tensor): Float32Array {
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
}

/**
 * Segments of every length up to 11 (SIMD turns and tails), one to three terms each, in a
 * shuffled order, some adding +0; the source holds signed zeros, values whose sum rounds,
 * infinities and a NaN.
 */
function randomPlan(seed: number, sourceLength: number, outLength: number): SegmentPlan {
  let s = seed;
  const rand = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 8) % n;
  const stride = 4 + 3;
  const entries = new Int32Array(64 * stride);
  let count = 0;
  for (let at = 0; count < 64; count++) {
    const length = 1 + rand(11);
    if (at + length > outLength) break;
    const terms = 1 + rand(3);
    entries.set([at, length, rand(2), terms], count * stride);
    for (let t = 0; t < terms; t++) entries[count * stride + 4 + t] = rand(sourceLength - length);
    at += length + rand(3);
  }
  return { entries, count, stride };
}

function trickySource(length: number): Float32Array {
  const special = [0, -0, -0, 1e-45, -1e-45, 3.4e38, 3.4e38, Infinity, NaN, 1 / 3, 16777217, -1];
  return Float32Array.from({ length }, (_, i) => (i % 5 === 0 ? special[(i / 5) % special.length] : Math.sin(i) * 10 ** ((i % 7) - 3)));
}

describe('segmentSums (WeftSegmentSums)', () => {
  it('writes each segment as the float32 sum of its terms in order, +0 where asked, scaled: the bits of the JS reference on wasm (SIMD) and cpu', async () => {
    const source = trickySource(400);
    for (const seed of [1, 2, 3]) {
      for (const scale of [1, Math.fround(1 / 3), 0.5]) {
        const plan = randomPlan(seed, source.length, 500);
        const expected = new Float32Array(500);
        addSegments(expected, source, plan, scale);
        expect(bits(valuesOf(segmentSums([100, 5], source, plan, scale)))).toEqual(bits(expected));
        await tf.setBackend('cpu');
        expect(bits(valuesOf(segmentSums([100, 5], source, plan, scale)))).toEqual(bits(expected));
        await tf.setBackend('wasm');
      }
    }
  });

  it('adds terms left to right in float32, keeps -0 unless +0 is added, leaves the rest of the tensor +0', () => {
    const source = new Float32Array([1e8, 1, 1, -0, -0, 2, 3, -0]);
    // Segment 0: (1e8 + 1) + 1 rounds each time (1e8); segment 1 at 4: -0 + -0 stays -0; segment 2 at 6: -0 + +0 is +0; segment 3 at 8: [2, 3] + [3, -0].
    const entries = Int32Array.from([0, 1, 0, 3, 0, 1, 2, 4, 1, 0, 2, 3, 4, 0, 6, 1, 1, 1, 7, 0, 0, 8, 2, 0, 2, 5, 6, 0]);
    const plan: SegmentPlan = { entries, count: 4, stride: 7 };
    const out = valuesOf(segmentSums([2, 5], source, plan));
    expect(out[0]).toBe(1e8);
    expect(Object.is(out[4], -0)).toBe(true);
    expect(Object.is(out[6], 0)).toBe(true);
    expect([out[8], out[9]]).toEqual([5, 3]);
    for (const i of [1, 2, 3, 5, 7]) expect(Object.is(out[i], 0)).toBe(true);
  });

  it('gives a +0 tensor for an empty plan, and rejects a plan too short for its count or reaching outside its arrays', () => {
    const empty = valuesOf(segmentSums([3, 4], new Float32Array(0), { entries: new Int32Array(0), count: 0, stride: 5 }));
    expect(empty.every((v) => Object.is(v, 0))).toBe(true);
    expect(() => segmentSums([3, 4], new Float32Array(4), { entries: new Int32Array(5), count: 2, stride: 5 })).toThrow(
      'WeftSegmentSums: the plan holds fewer than 2 entries of 5',
    );
    const one = (entry: number[]) => () => segmentSums([3, 4], new Float32Array(8), { entries: Int32Array.from(entry), count: 1, stride: 6 });
    expect(one([10, 3, 0, 1, 0, 0])).toThrow('WeftSegmentSums: segment 0 [10,3,0,1,0,0] falls outside the output (12 elements) or the source (8), or has no terms');
    expect(one([0, 3, 0, 2, 0, 6])).toThrow(/segment 0 \[0,3,0,2,0,6\] falls outside/);
    expect(one([0, 3, 0, 3, 0, 0])).toThrow(/has no terms/);
    expect(one([0, 3, 0, 0, 0, 0])).toThrow(/has no terms/);
    expect(valuesOf(one([9, 3, 1, 2, 0, 5])())).toEqual(Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  });
});
