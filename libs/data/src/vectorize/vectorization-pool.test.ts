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

  it("encodeAll right after adapt of the same texts reuses the threads' tokens: the ids vectorize() gives, in every mode", async () => {
    const modes = [
      { outputSequenceLength: 4, truncating: 'pre' as const, ngrams: 2 },
      { outputSequenceLength: 3 },
      { outputMode: 'multi_hot' as const },
      { outputMode: 'tf_idf' as const, maxTokens: 6 },
    ];
    for (const args of modes) {
      const layer = new TextVectorization(args);
      await pool.adapt(layer, texts);
      const expected = layer.vectorize(texts);
      const encoded = await pool.encodeAll(layer, texts);
      expect(encoded.shape).toEqual(expected.shape);
      expect(Array.from(encoded.values)).toEqual(Array.from(expected.values));
    }
    // Another vocabulary with the same tokenization uses the kept tokens too (they are looked up in it).
    const first = new TextVectorization({ outputSequenceLength: 5 });
    await pool.adapt(first, texts);
    const other = new TextVectorization({ outputSequenceLength: 5, vocabulary: ['sat', 'dog', 'café'] });
    expect(Array.from((await pool.encodeAll(other, texts)).values)).toEqual(Array.from(other.vectorize(texts).values));
    // After another adapt, the first texts encode as usual.
    const many = texts.map((t) => `${t} more`);
    await pool.adapt(new TextVectorization(), many);
    expect(Array.from((await pool.encodeAll(first, texts)).values)).toEqual(Array.from(first.vectorize(texts).values));
  });

  it("rejects with a thread's error (a row that is not text), and the pool keeps working", async () => {
    const layer = new TextVectorization();
    await expect(pool.adapt(layer, ['fine', 42 as never, 'also fine', 'x', 'y', 'z', 'w'])).rejects.toThrow(/each row must be a string/);
    await pool.adapt(layer, texts);
    const single = new TextVectorization();
    await single.adapt(texts);
    expect(layer.getVocabulary()).toEqual(single.getVocabulary());
  });
});
