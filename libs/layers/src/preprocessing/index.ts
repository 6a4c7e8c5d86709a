import { join } from 'node:path';
export { Tokenizer, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs } from './tokenizer';
export { padSequences, type PadSequencesArgs } from './pad-sequences';
export { TextVectorization, textVectorization, type TextVectorizationArgs } from './text-vectorization';
export { TextVectorizer, type TextVectorizerOptions, type TextVectorizationOutputMode, type TextRow, type VectorizedRows } from './text-vectorizer';
export type { CountTask, FlushTask, RankTask, EncodeTask, KeptEncodeTask, VectorizeTask, FlushResult, SharedTexts, TaskRows } from './text-vectorize-worker';
/** The worker-thread module that counts and vectorizes for a pool (see @weft/data's VectorizationPool). */
export const TEXT_VECTORIZE_WORKER = join(__dirname, 'text-vectorize-worker.ts');
export { TokenCounts, compareCodePoints, mergeRankedPartitions, packCounts, unpackTokens, type TokenCountsData, type PackedCounts } from './token-counts';
export { standardizeText, splitText, ngramsOf, lowerAscii, type StandardizeMode, type SplitMode } from './text-standardize';
