export { compileModel, compileArgsFromConfig, type CompileArgs, type CompileConfig, type CompiledModel, type LossId, type MetricId } from './compile';
export { Trainer, requireCompiled, type GradientHook, type OverlappedGradientHook, type Batch, type TrainableModel } from './trainer';
export { fitModel } from './fit';
export { runFitLoop, trainSteps, type EpochRunner, type BatchEvents, type FitLoopOptions, type StepBatch, type StepEvents } from './fit-loop';
export { BatchSchedule, shareOf, weightedCounts, weightedShareOf, type Rows } from './batch-schedule';
export { evaluateModel, runEvaluation } from './evaluate';
export { predictModel } from './predict';
export { trainOnBatch } from './train-on-batch';
export type { TrainingModel } from './training-model';
export type { Distribution, FitArgs, EvaluateArgs, PredictArgs, TrainOnBatchArgs } from './fit-args';
export {
  toTensorList,
  checkData,
  classWeightsToSampleWeights,
  takeRows,
  permutation,
  seededRandom,
  isTexts,
  textsToTensor,
  type DataInput,
  type Texts,
} from './data';
export {
  datasetBatch,
  datasetContext,
  datasetFromModule,
  disposeBatch,
  emptyDatasetError,
  isBatchDataset,
  tensorValidationData,
  type BatchDataset,
  type BatchInput,
  type BatchValue,
  type BuildableModel,
  type DatasetBatch,
  type DatasetBatchOptions,
  type DatasetContext,
  type DatasetFunction,
  type DatasetModuleRef,
  type DenseBatchArray,
} from './dataset-input';
export { fitDatasetModel, checkDatasetFitArgs, datasetSteps, evaluateDatasetLogs, validationLogs, datasetValidation, type DatasetValidation } from './fit-dataset';
export { evaluateDatasetModel, predictDatasetModel, predictBatch } from './dataset-inference';
