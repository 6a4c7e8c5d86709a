import { Wasm } from './wasm-api';
import { createReducer, jsReducer, reducerModuleBytes } from './simd-reducer';

describe('SIMD reducer', () => {
  it.each([true, false])('validates as wasm SIMD (shared memory: %s)', (shared) => {
    expect(Wasm.validate(reducerModuleBytes(shared))).toBe(true);
  });

  it.each([
    ['SIMD, shared memory', true, true],
    ['SIMD', false, true],
    ['JS fallback', false, false],
  ])('%s: adds and scales every length like a scalar reference', (_, shared, simd) => {
    const memory = new Wasm.Memory({ initial: 1, maximum: 16, shared });
    const reducer = simd ? createReducer(memory) : jsReducer(memory);
    expect(reducer.simd).toBe(simd);
    const floats = new Float32Array(memory.buffer);
    for (const count of [0, 1, 3, 4, 7, 8, 9, 31, 33, 100]) {
      const dst = Float32Array.from({ length: 120 }, (_, i) => i * 0.5 - 7);
      const src = Float32Array.from({ length: 120 }, (_, i) => 3 - i * 0.25);
      // Unaligned offsets: 4 bytes past a 16-byte boundary.
      floats.set(dst, 1);
      floats.set(src, 1001);
      reducer.add(4, 4004, count);
      reducer.scale(4, count, 0.75);
      const want = dst.map((v, i) => (i < count ? Math.fround(Math.fround(v + src[i]) * 0.75) : v));
      expect(Array.from(floats.subarray(1, 121))).toEqual(Array.from(want));
    }
  });

  it.each([
    ['SIMD, shared memory', true, true],
    ['JS fallback', false, false],
  ])('%s: reduceInto sums sources in table order into every destination, in place too', (_, shared, simd) => {
    const memory = new Wasm.Memory({ initial: 1, maximum: 16, shared });
    const reducer = simd ? createReducer(memory) : jsReducer(memory);
    const floats = new Float32Array(memory.buffer);
    const ints = new Int32Array(memory.buffer);
    // Arrays 4 KB apart, 4 bytes past 16-byte boundaries; tables at byte 64 (sources) and 128 (destinations).
    const arrayAt = (k: number) => 4096 * (k + 1) + 4;
    const values = (k: number) => Float32Array.from({ length: 200 }, (_, i) => (i * (k + 1.5)) / 7 - k * 3.25);
    for (const [srcCount, factor] of [[1, 1], [2, 1], [3, 0.25], [4, 1 / 3]]) {
      for (const count of [0, 1, 3, 4, 5, 15, 16, 17, 35, 64, 197]) {
        for (let k = 0; k < 6; k++) floats.set(values(k), arrayAt(k) >> 2);
        // Every source is also a destination (the in-place all-reduce), plus one that is not.
        const dsts = [...Array(srcCount).keys(), 5];
        ints.set(Array.from({ length: srcCount }, (_, k) => arrayAt(k)), 16);
        ints.set(dsts.map(arrayAt), 32);
        reducer.reduceInto(64, srcCount, 128, dsts.length, count, factor);
        const want = Float32Array.from({ length: 200 }, (_, i) => {
          let v = values(0)[i];
          for (let k = 1; k < srcCount; k++) v = Math.fround(v + values(k)[i]);
          return Math.fround(v * Math.fround(factor));
        });
        for (const k of dsts) {
          const got = floats.subarray(arrayAt(k) >> 2, (arrayAt(k) >> 2) + 200);
          expect(Array.from(got.subarray(0, count))).toEqual(Array.from(want.subarray(0, count)));
          expect(Array.from(got.subarray(count))).toEqual(Array.from(values(k).subarray(count)));
        }
      }
    }
  });
});
