/** Keras's standardize modes for TextVectorization (a function is also accepted). */
export type StandardizeMode = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation';
/** Keras's split modes for TextVectorization (a function is also accepted). */
export type SplitMode = 'whitespace' | 'character';

/** Keras's DEFAULT_STRIP_REGEX: ASCII punctuation, the apostrophe included, removed (not replaced by a space). */
const STRIP_PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
const ASCII_UPPER = /[A-Z]+/g;
const NON_ASCII = /[^\x00-\x7f]/;
/** tf.strings.split's whitespace: ASCII space, tab, newline, vertical tab, form feed, carriage return. */
const WHITESPACE = /[ \t\n\v\f\r]+/;

/**
 * Lower-cases as tf.strings.lower does (what Keras calls): ASCII letters only, so 'Über' stays
 * 'Über' while 'ABC' becomes 'abc'.
 */
export function lowerAscii(text: string): string {
  return NON_ASCII.test(text) ? text.replace(ASCII_UPPER, (s) => s.toLowerCase()) : text.toLowerCase();
}

export function standardizeText(text: string, mode: StandardizeMode | null): string {
  if (mode === null) return text;
  const lowered = mode === 'strip_punctuation' ? text : lowerAscii(text);
  return mode === 'lower' ? lowered : lowered.replace(STRIP_PUNCTUATION, '');
}

export function splitText(text: string, mode: SplitMode): string[] {
  if (mode === 'character') return Array.from(text); // tf.strings.unicode_split: one code point each
  const words = text.split(WHITESPACE);
  if (words.length > 0 && words[0] === '') words.shift();
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words;
}

/**
 * tf.strings.ngrams(tokens, widths, separator=' '): for each width in order, every run of that
 * many consecutive tokens joined by a space (none when the sequence is shorter).
 */
export function ngramsOf(tokens: string[], widths: number[]): string[] {
  if (widths.length === 1 && widths[0] === 1) return tokens;
  const out: string[] = [];
  for (const width of widths) {
    for (let i = 0; i + width <= tokens.length; i++) out.push(width === 1 ? tokens[i] : tokens.slice(i, i + width).join(' '));
  }
  return out;
}

/** Keras's `ngrams` argument as widths: n -> 1..n, a list as given, null -> unigrams only. */
export function ngramWidths(ngrams: number | number[] | null | undefined): number[] {
  if (ngrams === null || ngrams === undefined) return [1];
  const widths = typeof ngrams === 'number' ? Array.from({ length: ngrams }, (_, i) => i + 1) : ngrams;
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`TextVectorization: ngrams must be a positive integer or a list of them. Received: ngrams=${JSON.stringify(ngrams)}`);
  }
  return widths;
}
