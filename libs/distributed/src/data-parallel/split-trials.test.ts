// The balanced row split's decisions, from given speeds: which split a look tries, and when it keeps
// or undoes it (the fits that measure those speeds are in row-balancer.test.ts).
import { balancedRows, SplitTrials } from './split-trials';

describe('balancedRows', () => {
  it('splits a batch in proportion to speed (1 / seconds per row)', () => {
    // Rank 1 takes twice as long per row: it gets a third of the rows.
    expect(balancedRows([1e-3, 2e-3], 64, [32, 32])).toEqual([43, 21]);
    expect(balancedRows([1e-3, 1e-3, 2e-3], 10, [4, 3, 3])).toEqual([4, 4, 2]);
  });

  it('keeps the current split unless the slowest rank gets 5% faster', () => {
    // Even rows, rank 1 4% slower per row: the best split saves less than 5%.
    expect(balancedRows([1e-3, 1.04e-3], 64, [32, 32])).toBeNull();
    // Already balanced for these speeds.
    expect(balancedRows([1e-3, 2e-3], 64, [43, 21])).toBeNull();
    // Back to even once the speeds are even again.
    expect(balancedRows([1e-3, 1e-3], 64, [43, 21])).toEqual([32, 32]);
  });

  it('leaves no rank without rows while the batch has one for each', () => {
    expect(balancedRows([1e-3, 1], 8, [4, 4])).toEqual([7, 1]);
  });
});

describe('SplitTrials', () => {
  // Rank 1 twice as slow per row, with an even split of 64: 32 ms against 64 ms a step.
  const slowRank1 = [1e-3, 2e-3];

  it('tries the faster split, and keeps it when the slowest step got shorter', () => {
    const trials = new SplitTrials(64, 2);
    expect(trials.current).toBeNull();
    expect(trials.look(slowRank1, [0.032, 0.064])).toBe(true);
    expect(trials.current).toEqual([43, 21]);
    // With 43:21 rows both ranks take about 43 ms: kept, and no further change.
    expect(trials.look(slowRank1, [0.043, 0.042])).toBe(false);
    expect(trials.current).toEqual([43, 21]);
    expect(trials.look(slowRank1, [0.043, 0.042])).toBe(false);
    // The ranks are even again: back to the even split (null), itself a trial that is kept.
    expect(trials.look([1e-3, 1e-3], [0.043, 0.021])).toBe(true);
    expect(trials.current).toBeNull();
    expect(trials.look([1e-3, 1e-3], [0.032, 0.032])).toBe(false);
    expect(trials.current).toBeNull();
  });

  it('undoes a split that did not make the slowest step shorter, and waits twice as long after each such trial', () => {
    // A step that costs 64 ms on rank 1 whatever its rows (per-call, not per-row, work).
    const trials = new SplitTrials(64, 2);
    const splits: (readonly number[] | null)[] = [];
    for (let look = 0; look < 12; look++) {
      trials.look(slowRank1, [0.032, 0.064]);
      splits.push(trials.current);
    }
    const tried = [43, 21];
    // Trial, undo, 1 look paused; trial, undo, 2 paused; trial, undo, 4 paused; trial.
    expect(splits).toEqual([tried, null, null, tried, null, null, null, tried, null, null, null, null]);
    expect(trials.look(slowRank1, [0.032, 0.064])).toBe(false);
    expect(trials.look(slowRank1, [0.032, 0.064])).toBe(true);
    expect(trials.current).toEqual(tried);
  });

  it('a kept trial resets the wait after the next failed one to a single look', () => {
    const trials = new SplitTrials(64, 2);
    trials.look(slowRank1, [0.032, 0.064]);
    trials.look(slowRank1, [0.032, 0.064]); // undone, 1 look paused
    trials.look(slowRank1, [0.032, 0.064]); // paused
    trials.look(slowRank1, [0.032, 0.064]); // tried again
    expect(trials.look(slowRank1, [0.043, 0.042])).toBe(false); // kept
    // Rank 0 turns slow: the way back to even (or beyond) is tried, fails, and pauses one look only.
    expect(trials.look([2e-3, 1e-3], [0.086, 0.021])).toBe(true);
    expect(trials.look([2e-3, 1e-3], [0.09, 0.03])).toBe(true);
    expect(trials.current).toEqual([43, 21]);
    expect(trials.look([2e-3, 1e-3], [0.086, 0.021])).toBe(false);
    expect(trials.look([2e-3, 1e-3], [0.086, 0.021])).toBe(true);
  });
});
