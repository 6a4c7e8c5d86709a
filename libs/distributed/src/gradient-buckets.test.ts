import { join } from 'node:path';
import { GradientBuckets } from './gradient-buckets';
import { launchThreads } from './launch/launch-threads';
import { BUCKET_SPECS, bucketGrads } from './testing/buckets-rank';

const ENTRY = join(__dirname, 'testing/buckets-rank.ts');
type Result = {
  error?: string;
  buckets: string[][];
  arrays: Record<string, number[]>;
  tensors: Record<string, { shape: number[]; values: number[] }>;
};

describe('GradientBuckets', () => {
  it('packs under the cap in a fixed order, all-reduces (mean) and unpacks on every rank', async () => {
    const size = 3;
    const outcomes = await launchThreads<{ capBytes: number }, Result>({
      size,
      entry: ENTRY,
      args: { capBytes: 1160 },
      arenaBytes: 4096,
      groupTimeoutMs: 10_000,
      timeoutMs: 30_000,
    });
    const expected = Object.fromEntries(
      BUCKET_SPECS.map(({ name }) => {
        const grads = [0, 1, 2].map((r) => bucketGrads(r)[name]);
        return [name, Array.from(grads[0], (_, i) => (grads[0][i] + grads[1][i] + grads[2][i]) / size)];
      }),
    );
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(true);
      const result = (outcome as { value: Result }).value;
      expect(result.error).toBeUndefined();
      // 1600 bytes of embeddings alone (over the cap); 1024 + 128 fit 1160; then the small rest.
      expect(result.buckets).toEqual([
        ['embedding/embeddings'],
        ['lstm/kernel', 'lstm/bias'],
        ['dense/kernel', 'dense/bias', 'scalar'],
      ]);
      for (const { name, shape } of BUCKET_SPECS) {
        for (const got of [result.arrays[name], result.tensors[name].values]) {
          expect(got.length).toBe(expected[name].length);
          got.forEach((v, i) => expect(Math.abs(v - expected[name][i])).toBeLessThan(1e-4));
        }
        expect(result.tensors[name].shape).toEqual(shape);
      }
    }
  });

  it('refuses gradients in a different order on one rank, naming it', async () => {
    const outcomes = await launchThreads<{ capBytes: number; reverse: boolean }, Result>({
      size: 2,
      entry: ENTRY,
      args: { capBytes: 1160, reverse: true },
      groupTimeoutMs: 10_000,
      timeoutMs: 30_000,
    });
    expect((outcomes[0] as { value: Result }).value.error).toMatch(/rank 1 has different gradients/);
  });

  it('rejects a cap below one float', () => {
    expect(() => new GradientBuckets(BUCKET_SPECS, { capBytes: 0 })).toThrow(/Received: capBytes=0/);
  });
});
