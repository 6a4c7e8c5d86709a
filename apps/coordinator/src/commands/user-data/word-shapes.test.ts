import { frequentWords, shapeTokens, wordShape } from './word-shapes';

describe('word shapes for the tagger', () => {
  it('describe capitalization, digits, hyphens, symbols and a common suffix', () => {
    expect(wordShape('Tokenizing')).toBe('<shape:cap:ing>');
    expect(wordShape('NASA')).toBe('<shape:caps>');
    expect(wordShape('iPhone')).toBe('<shape:mixed>');
    expect(wordShape('1,200.50')).toBe('<shape:num>');
    expect(wordShape('B-52s')).toBe('<shape:cap:digit:dash:s>');
    expect(wordShape('e-mail')).toBe('<shape:dash>');
    expect(wordShape('quickly')).toBe('<shape:ly>');
    expect(wordShape('...')).toBe('<shape:punct>');
    expect(wordShape('AT&T')).toBe('<shape:caps:sym>');
  });

  it('keep learned words (lower-cased lookup) and replace the rest by their shapes', () => {
    const known = frequentWords([['The', 'dog'], ['the', 'Cat'], ['dog']], 2);
    expect([...known].sort()).toEqual(['dog', 'the']);
    expect(shapeTokens(['THE', 'Dog', 'Cats', 'walked'], (w) => known.has(w))).toEqual(['THE', 'Dog', '<shape:cap:s>', '<shape:ed>']);
  });
});
