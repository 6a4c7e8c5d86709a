import { TextVectorization } from '@weft/layers';
import { VectorizationPool } from './vectorization-pool';

// Worker threads load TypeScript through tsx: a few seconds to start, so one pool for the file.
let pool: VectorizationPool;
beforeAll(() => {
  pool = new VectorizationPool({ threads: 2, chunkSize: 3 });
});
afterAll(() => pool.close());

const texts = ['the cat sat', 'The dog sat down!', "the cat's hat", 'a b c d e f g', 'dog dog', 'Café naïve ÜBER café 😀', 'x'];

describe('VectorizationPool', () => {
  it('adapts on threads to the vocabulary (and idf weights) of adapt() on one thread', async () => {
    for (const args of [{ ngrams: 2 }, { outputMode: 'tf_idf' as const, maxTokens: 8 }]) {
      const single = new TextVectorization(args);
      await single.adapt(texts);
      const pooled = new TextVectorization(args);
      await pool.adapt(pooled, texts);
      expect(pooled.getVocabulary()).toEqual(single.getVocabulary());
      expect(pooled.getIdfWeights()).toEqual(single.getIdfWeights());
    }
  });

  it('keeps Keras order across partitions when many counts tie and maxTokens cuts among them', async () => {
    // w0..w299 with counts 1..5: each count ties 60 tokens; the cut falls inside a tie.
    const many = Array.from({ length: 300 }, (_, i) => Array(1 + (i % 5)).fill(`w${i}`).join(' '));
    const single = new TextVectorization({ maxTokens: 100 });
    await single.adapt(many);
    const pooled = new TextVectorization({ maxTokens: 100 });
    await pool.adapt(pooled, many);
    expect(pooled.getVocabulary()).toEqual(single.getVocabulary());
    expect(single.getVocabulary().slice(2, 5)).toEqual(['w99', 'w94', 'w9']); // count 5, ties in reverse code-point order
  });

  it('encodes in order, chunk by chunk, as vectorize() does; streams an async iterable', async () => {
    const layer = new TextVectorization({ outputSequenceLength: 5 });
    await layer.adapt(texts);
    const expected = layer.vectorize(texts);
    const all = await pool.encodeAll(layer, (async function* () {
      yield* texts;
    })());
    expect(all.shape).toEqual([7, 5]);
    expect(Array.from(all.values)).toEqual(Array.from(expected.values));
    const parts = [];
    for await (const part of pool.encode(layer, texts)) parts.push(part.shape);
    expect(parts).toEqual([[3, 5], [3, 5], [1, 5]]);
  });

  it('pads chunks of different widths (int mode without a sequence length) and keeps multi_hot depth', async () => {
    const int = new TextVectorization();
    await int.adapt(texts);
    const all = await pool.encodeAll(int, texts);
    expect(all.shape).toEqual([7, 7]);
    expect(Array.from(all.values.subarray(0, 7))).toEqual([...int.encodeIds(texts[0]), 0, 0, 0, 0]);
    const hot = new TextVectorization({ outputMode: 'multi_hot' });
    await hot.adapt(texts);
    expect(Array.from((await pool.encodeAll(hot, texts)).values)).toEqual(Array.from(hot.vectorize(texts).values));
  });
});
