import { join } from 'node:path';
import { launchThreads } from '../index';

it('sums counts and loss totals beyond float32 precision exactly, the same on every rank', async () => {
  const values = [2 ** 25 + 1, 123456.789, 0.1, 0];
  const outcomes = await launchThreads<{ values: number[] }, number[]>({ size: 2, entry: join(__dirname, '..', 'testing', 'sum-rank.ts'), args: { values } });
  const expected = values.map((v) => v + 2 * v);
  for (const outcome of outcomes) {
    if (!outcome.ok) throw new Error(outcome.error);
    outcome.value.forEach((sum, i) => expect(sum).toBeCloseTo(expected[i], 6));
    expect(outcome.value[0]).toBe(3 * (2 ** 25 + 1));
  }
});
