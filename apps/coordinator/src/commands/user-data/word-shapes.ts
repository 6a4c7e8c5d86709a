import { lowerAscii } from '@weft/layers';

const SUFFIXES = ['ing', 'ed', 'ly', 'ion', 'er', 'est', 'al', 'ity', 'ies', 'ic', 'able', 'ful', 'ous', 'ive', 'ment', 'ness', 's', 'y'];

/**
 * A rare or unknown word's shape, as Berkeley-parser-style signatures do: capitalization, digits,
 * hyphens, other non-letters, and a common suffix ("Tokenizing" -> "<shape:cap:ing>",
 * "1,200" -> "<shape:num>"). Taggers see the shape where the word itself was not learned.
 */
export function wordShape(word: string): string {
  const parts = ['<shape'];
  if (/^[\d.,:/-]+$/.test(word) && /\d/.test(word)) return '<shape:num>';
  if (/^\W+$/u.test(word)) return '<shape:punct>';
  if (!/\p{Ll}/u.test(word) && (word.match(/\p{Lu}/gu)?.length ?? 0) > 1) parts.push('caps');
  else if (/^\p{Lu}/u.test(word)) parts.push('cap');
  else if (/\p{Lu}/u.test(word)) parts.push('mixed');
  if (/\d/.test(word)) parts.push('digit');
  if (word.includes('-')) parts.push('dash');
  if (/[^\p{L}\d-]/u.test(word)) parts.push('sym');
  const lower = word.toLowerCase();
  const suffix = SUFFIXES.find((s) => lower.length > s.length + 2 && lower.endsWith(s));
  if (suffix) parts.push(suffix);
  return `${parts.join(':')}>`;
}

/** How tag inputs are given to the vectorizer: the lower-cased word when learned, else its shape. */
export function shapeTokens(tokens: string[], known: (lowered: string) => boolean): string[] {
  return tokens.map((t) => (known(lowerAscii(t)) ? t : wordShape(t)));
}

/** Words seen at least `minCount` times (lower-cased): the ones a tagger learns by name. */
export function frequentWords(sentences: string[][], minCount: number): Set<string> {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const t of s) {
    const w = lowerAscii(t);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return new Set([...counts].filter(([, c]) => c >= minCount).map(([w]) => w));
}
