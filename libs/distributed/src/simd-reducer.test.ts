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
});
