export { Tokenizer, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs } from './tokenizer';
export { padSequences, type PadSequencesArgs } from './pad-sequences';
