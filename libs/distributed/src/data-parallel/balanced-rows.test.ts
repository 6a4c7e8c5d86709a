// The balanced split's decisions from given speeds: proportional rows within the skew bound, at
// least one row each, a new split only for a clear gain, and the running speeds every rank shares.
import { MAX_SKEW, RowSpeeds, SMOOTHING, balancedRows } from './balanced-rows';

describe('balancedRows', () => {
  it('splits in proportion to speed', () => {
    expect(balancedRows([1e-3, 2e-3], 64, [32, 32])).toEqual([43, 21]);
    expect(balancedRows([1e-3, 1e-3, 2e-3], 10, [4, 3, 3])).toEqual([4, 4, 2]);
  });

  it('keeps the current split when the slowest rank would gain less than 2%', () => {
    expect(balancedRows([1e-3, 1.015e-3], 64, [32, 32])).toBeNull();
    expect(balancedRows([1e-3, 1.06e-3], 64, [32, 32])).toEqual([33, 31]);
    expect(balancedRows([1e-3, 2e-3], 64, [43, 21])).toBeNull();
    // Back to even when the ranks are alike again.
    expect(balancedRows([1e-3, 1e-3], 64, [43, 21])).toEqual([32, 32]);
  });

  it(`moves a share at most ${MAX_SKEW * 100}% from even, and leaves every rank a row`, () => {
    expect(balancedRows([1e-3, 1], 64, [32, 32])).toEqual([48, 16]);
    expect(balancedRows([1e-3, 1, 1], 3, [1, 1, 1])).toBeNull();
  });
});

describe('RowSpeeds', () => {
  it('drops each rank\'s first report, then averages seconds per row with weight SMOOTHING on the newest', () => {
    const speeds = new RowSpeeds(2);
    speeds.update([5, 5], [32, 32]);
    expect(speeds.secondsPerRow).toBeNull();
    speeds.update([0.032, 0.064], [32, 32]);
    expect(speeds.secondsPerRow).toEqual([0.001, 0.002]);
    speeds.update([0.064, 0.064], [32, 32]);
    expect(speeds.secondsPerRow![0]).toBeCloseTo(0.001 + SMOOTHING * 0.001, 12);
    expect(speeds.secondsPerRow![1]).toBe(0.002);
  });

  it('learns nothing from a rank that trained no rows', () => {
    const speeds = new RowSpeeds(2);
    speeds.update([0.1, 0.1], [32, 32]);
    speeds.update([0.032, 0], [32, 0]);
    expect(speeds.secondsPerRow).toBeNull();
    speeds.update([0.032, 0.032], [32, 32]);
    expect(speeds.secondsPerRow).toEqual([0.001, 0.001]);
  });
});
