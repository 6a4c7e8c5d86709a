import { Tokenizer, textToWordSequence } from './tokenizer';

// Expected values worked out by hand from Keras's rules (keras.preprocessing.text).
describe('textToWordSequence', () => {
  it('lower-cases, turns punctuation into spaces, keeps apostrophes, drops empty words', () => {
    expect(textToWordSequence("Hello, World!  It's\tfine...")).toEqual(['hello', 'world', "it's", 'fine']);
  });

  it('honours filters, lower and split', () => {
    expect(textToWordSequence('A-b;C', { filters: ';', lower: false, split: '-' })).toEqual(['A', 'b', 'C']);
  });
});

describe('Tokenizer', () => {
  const texts = ['the cat sat', 'the dog sat down', 'The cat!'];

  it('ranks words by count, ties in first-seen order, from 1', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts(texts);
    // the: 3, cat: 2, sat: 2, dog: 1, down: 1 (cat seen before sat, dog before down)
    expect([...tokenizer.wordIndex]).toEqual([['the', 1], ['cat', 2], ['sat', 3], ['dog', 4], ['down', 5]]);
    expect(tokenizer.indexWord.get(2)).toBe('cat');
    expect(tokenizer.wordCounts.get('the')).toBe(3);
    expect(tokenizer.documentCount).toBe(3);
  });

  it('drops unknown words, and words ranked numWords or more, without an oov token', () => {
    const tokenizer = new Tokenizer({ numWords: 3 });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.wordIndex.size).toBe(5);
    expect(tokenizer.textsToSequences(['the cat sat on the dog'])).toEqual([[1, 2, 1]]);
  });

  it('maps unknown and cut-off words to the oov token, which takes index 1', () => {
    const tokenizer = new Tokenizer({ numWords: 4, oovToken: '<OOV>' });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
    expect(tokenizer.wordIndex.get('the')).toBe(2);
    // the=2 cat=3 sat=4 (>= numWords: oov) on (unknown: oov) dog=5 (oov)
    expect(tokenizer.textsToSequences(['the cat sat on dog'])).toEqual([[2, 3, 1, 1, 1]]);
  });

  it('fits incrementally and maps sequences back to text', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts(['b a']);
    tokenizer.fitOnTexts(['a c']);
    expect([...tokenizer.wordIndex.keys()]).toEqual(['a', 'b', 'c']);
    expect(tokenizer.sequencesToTexts([[1, 3, 9]])).toEqual(['a c']);
  });

  it('rejects a numWords that is not a positive integer', () => {
    expect(() => new Tokenizer({ numWords: 0 })).toThrow(/numWords must be a positive integer/);
  });
});
