export { Tokenizer, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs } from './tokenizer';
export { padSequences, type PadSequencesArgs } from './pad-sequences';
export {
  TextVectorization,
  textVectorization,
  type TextVectorizationArgs,
  type TextVectorizationOutputMode,
  type TextRow,
  type VectorizedRows,
} from './text-vectorization';
export { TokenCounts, compareCodePoints, type TokenCountsData } from './token-counts';
export { standardizeText, splitText, ngramsOf, lowerAscii, type StandardizeMode, type SplitMode } from './text-standardize';
