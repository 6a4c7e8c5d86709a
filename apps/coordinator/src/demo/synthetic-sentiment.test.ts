import { syntheticSentiment } from './synthetic-sentiment';

describe('syntheticSentiment', () => {
  const options = { samples: 500, sequenceLength: 30, vocabularySize: 200, seed: 7 };
  it('is deterministic per seed and different across seeds', () => {
    const a = syntheticSentiment(options);
    const b = syntheticSentiment(options);
    const c = syntheticSentiment({ ...options, seed: 8 });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    expect(Array.from(a.tokens)).not.toEqual(Array.from(c.tokens));
  });
  it('labels follow the sentiment words and are roughly balanced', () => {
    const d = syntheticSentiment(options);
    let positives = 0;
    let agree = 0;
    for (let i = 0; i < d.samples; i++) {
      const row = d.tokens.subarray(i * d.sequenceLength, (i + 1) * d.sequenceLength);
      let score = 0;
      for (const id of row) score += id >= 1 && id <= 10 ? 1 : id >= 11 && id <= 20 ? -1 : 0;
      positives += d.labels[i];
      if (score !== 0) agree += Number((score > 0) === (d.labels[i] === 1));
      else agree++;
      expect(Math.max(...row)).toBeLessThan(d.vocabularySize);
    }
    expect(agree).toBe(d.samples);
    expect(positives / d.samples).toBeGreaterThan(0.3);
    expect(positives / d.samples).toBeLessThan(0.7);
  });
  it('rejects a vocabulary too small for the task', () => {
    expect(() => syntheticSentiment({ ...options, vocabularySize: 10 })).toThrow(/Received: vocabularySize=10/);
  });
});
