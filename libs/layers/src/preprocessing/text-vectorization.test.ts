import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { deserializeLayer, serializeLayer } from '../engine/registry';
import { TextVectorization } from './text-vectorization';

// Expected values written by hand from Keras 3's rules (keras/src/layers/preprocessing/
// text_vectorization.py and index_lookup.py); the first two cases are Keras's own docstring examples.
beforeAll(async () => {
  await initBackend('cpu');
});

const rows = (v: { values: ArrayLike<number>; shape: number[] }) =>
  Array.from({ length: v.shape[0] }, (_, i) => Array.from(v.values).slice(i * v.shape[1], (i + 1) * v.shape[1]));

describe('TextVectorization (Keras semantics)', () => {
  it("Keras's docstring: adapt ranks by count, ties in reverse token order; int ids padded to outputSequenceLength", async () => {
    const layer = new TextVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4 });
    await layer.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']);
    const out = layer.apply(tf.tensor2d([['foo qux bar'], ['qux baz']], [2, 1], 'string')) as tf.Tensor;
    expect(out.dtype).toBe('int32');
    expect(out.arraySync()).toEqual([[4, 1, 3, 0], [1, 2, 0, 0]]);
  });

  it("Keras's docstring: a given vocabulary keeps its order; longer rows are cut at the end", () => {
    const layer = new TextVectorization({ outputSequenceLength: 4, vocabulary: ['earth', 'wind', 'and', 'fire'] });
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'earth', 'wind', 'and', 'fire']);
    expect(rows(layer.vectorize(['earth wind and also fire']))).toEqual([[2, 3, 4, 1]]);
  });

  it("truncating 'pre' (weft's addition, as pad_sequences) keeps a long row's end; padding stays at the end; saved in the config", () => {
    const layer = new TextVectorization({ outputSequenceLength: 4, truncating: 'pre', vocabulary: ['earth', 'wind', 'and', 'fire'] });
    expect(rows(layer.vectorize(['earth wind and also fire', 'fire']))).toEqual([[3, 4, 1, 5], [5, 0, 0, 0]]);
    expect(rows(new TextVectorization(layer.getConfig()).vectorize(['earth wind and also fire']))).toEqual([[3, 4, 1, 5]]);
    expect(() => new TextVectorization({ truncating: 'start' as never })).toThrow(/truncating must be 'pre' or 'post'. Received: start/);
  });

  it('standardizes (ASCII lower case, punctuation and apostrophes removed) and splits on ASCII whitespace', async () => {
    const layer = new TextVectorization();
    expect(layer.tokenize("  The CAT's hat,\tsat.\n ÜBER-cool ")).toEqual(['the', 'cats', 'hat', 'sat', 'Übercool']);
    expect(new TextVectorization({ standardize: 'lower' }).tokenize("It's A-OK")).toEqual(["it's", 'a-ok']);
    expect(new TextVectorization({ standardize: 'strip_punctuation' }).tokenize("It's A-OK")).toEqual(['Its', 'AOK']);
    expect(new TextVectorization({ standardize: null, split: 'character' }).tokenize('ab c')).toEqual(['a', 'b', ' ', 'c']);
    // Without outputSequenceLength, rows pad to the batch's longest.
    await layer.adapt(['a a b']);
    expect(rows(layer.vectorize(['b', 'a b a', '']))).toEqual([[3, 0, 0], [2, 3, 2], [0, 0, 0]]);
  });

  it('ngrams: n gives widths 1..n, each width in turn (tf.strings.ngrams); a list gives those widths', () => {
    expect(new TextVectorization({ ngrams: 2 }).tokenize('the cat sat')).toEqual(['the', 'cat', 'sat', 'the cat', 'cat sat']);
    expect(new TextVectorization({ ngrams: [3] }).tokenize('a b c d')).toEqual(['a b c', 'b c d']);
    expect(new TextVectorization({ ngrams: [1, 3] }).tokenize('a b')).toEqual(['a', 'b']);
  });

  it('maxTokens counts the special tokens: int mode keeps maxTokens - 2 learned tokens, other modes maxTokens - 1', async () => {
    const data = ['c c c b b a', 'd'];
    const int = new TextVectorization({ maxTokens: 4 });
    await int.adapt(data);
    expect(int.getVocabulary()).toEqual(['', '[UNK]', 'c', 'b']);
    const hot = new TextVectorization({ maxTokens: 4, outputMode: 'multi_hot' });
    await hot.adapt(data);
    expect(hot.getVocabulary()).toEqual(['[UNK]', 'c', 'b', 'd']);
  });

  it('multi_hot, count and tf_idf: OOV at index 0; idf = ln(1 + docs / (1 + docs with the token)), the OOV the mean', async () => {
    const data = ['a b b c', 'c c d'];
    const hot = new TextVectorization({ outputMode: 'multi_hot' });
    await hot.adapt(data);
    expect(hot.getVocabulary()).toEqual(['[UNK]', 'c', 'b', 'd', 'a']);
    expect(rows(hot.vectorize(['b z b', '']))).toEqual([[1, 0, 1, 0, 0], [0, 0, 0, 0, 0]]);
    const count = new TextVectorization({ outputMode: 'count', maxTokens: 7, padToMaxTokens: true });
    await count.adapt(data);
    expect(rows(count.vectorize(['b z b c']))).toEqual([[1, 1, 2, 0, 0, 0, 0]]);
    const tfidf = new TextVectorization({ outputMode: 'tf_idf' });
    await tfidf.adapt(data);
    const [c, b, d, a] = [Math.log(1 + 2 / 3), Math.log(2), Math.log(2), Math.log(2)];
    const mean = (c + b + d + a) / 4;
    expect(Array.from(tfidf.getIdfWeights()!)).toEqual([mean, c, b, d, a].map((w) => Math.fround(w)));
    const [row] = rows(tfidf.vectorize(['b z b']));
    [mean, 0, 2 * b, 0, 0].forEach((v, i) => expect(row[i]).toBeCloseTo(v, 6));
  });

  it('split null takes token lists (the tagging case); adapt takes an async iterable', async () => {
    const layer = new TextVectorization({ split: null, standardize: 'lower' });
    await layer.adapt(
      (async function* () {
        yield ['The', 'Dog'];
        yield ['dog'];
      })(),
    );
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'dog', 'the']);
    expect(layer.encodeIds(['DOG', 'cat', 'The'])).toEqual([2, 1, 3]);
    const out = layer.apply(tf.tensor2d([['the', 'dog'], ['cat', '']], [2, 2], 'string')) as tf.Tensor;
    expect(out.arraySync()).toEqual([[3, 2], [1, 0]]); // '' is the mask token: 0
  });

  it('breaks count ties by code point in reverse (UTF-8 byte order, as numpy), not by UTF-16 unit', async () => {
    // U+1F600 (a surrogate pair in UTF-16, 0xD83D first) comes after U+FF61 by code point, before it by UTF-16 unit.
    const layer = new TextVectorization({ standardize: null });
    await layer.adapt(['\uFF61 😀 b a a', 'b']);
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'b', 'a', '😀', '\uFF61']);
  });

  it('counts of separate chunks merge into the vocabulary of the whole (what the thread pool does)', async () => {
    const texts = ['x y z', 'y z', 'z w', 'w w v'];
    const whole = new TextVectorization({ outputMode: 'tf_idf' });
    await whole.adapt(texts);
    const parts = new TextVectorization({ outputMode: 'tf_idf' });
    const counts = parts.countTokens(texts.slice(0, 2)).merge(parts.countTokens(texts.slice(2)).toData());
    parts.setVocabularyFromCounts(counts.toData());
    expect(parts.getVocabulary()).toEqual(whole.getVocabulary());
    expect(parts.getIdfWeights()).toEqual(whole.getIdfWeights());
  });

  it('round-trips through its config (the vocabulary and idf weights travel in it), as a saved model does', async () => {
    const layer = new TextVectorization({ maxTokens: 10, ngrams: 2, outputMode: 'tf_idf', name: 'vectorize' });
    await layer.adapt(['good movie', 'bad movie', 'good good fun']);
    const loaded = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(layer)))) as TextVectorization;
    expect(loaded).toBeInstanceOf(TextVectorization);
    expect(loaded.name).toBe('vectorize');
    expect(loaded.getVocabulary()).toEqual(layer.getVocabulary());
    expect(loaded.vectorize(['good fun movie'])).toEqual(layer.vectorize(['good fun movie']));
  });

  it('names what is wrong', async () => {
    expect(() => new TextVectorization().vectorize(['a'])).toThrow(/has no vocabulary yet: call adapt\(data\) or pass vocabulary/);
    expect(() => new TextVectorization({ outputMode: 'multi_hot', outputSequenceLength: 3 })).toThrow(/outputSequenceLength is for outputMode 'int' only/);
    expect(() => new TextVectorization({ maxTokens: 2 })).toThrow(/maxTokens must be an integer > 2/);
    expect(() => new TextVectorization({ vocabulary: ['a', 'a'] })).toThrow(/holds "a" twice/);
    expect(() => new TextVectorization({ split: (s) => s.split('|') }).getConfig()).toThrow(/a split function cannot be saved/);
    const layer = new TextVectorization({ vocabulary: ['a'] });
    expect(() => layer.apply(tf.tensor1d([1, 2]))).toThrow(/takes string tensors/);
  });
});
