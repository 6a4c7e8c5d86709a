// Public API of @weft/data.
export { Dataset, type EpochSource } from './dataset';
export { DataFileError } from './errors';
export { padBatch, type DenseArray, type Feature, type Features, type Padded, type PaddedBatchOptions } from './ops/padded-batch';
export type { ShardRemainder } from './ops/shard';
export { epochSeed } from './ops/shuffle';
export { csvDataset, delimiterFor, type CsvOptions, type CsvRow } from './sources/csv';
export { jsonLinesDataset, textLineDataset, type JsonLine, type TextLine } from './sources/json-lines';
export { textDirectoryDataset, TextDirectoryDataset, type LabeledText, type TextDirectoryOptions } from './sources/text-directory';
export { conllDataset, conllFormatFor, CONLLU_COLUMNS, type ConllOptions, type TaggedSentence } from './sources/conll';
export { textChunks, lines, isGzipFile } from './sources/text-stream';
export { batchToTensors, datasetToTensors, denseToTensor, type XYBatch, type TensorDtypes } from './tensors';
export { VectorizationPool, concatRows, type VectorizationPoolOptions } from './vectorize/vectorization-pool';
