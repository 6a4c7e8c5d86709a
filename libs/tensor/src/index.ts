export * as tf from '@tensorflow/tfjs-core';
export { initBackend, activeBackend, BACKEND_REQUESTS, type BackendInfo, type BackendName, type BackendRequest } from './backend';
export { listGpus, listCpus, gpuWorkerEnv, type Device, type DeviceKind } from './device';
export { registerWasmTrainingKernels, unregisterWasmTrainingKernels, wasmTrainingKernelNames } from './kernels/register';
export { FlatLayout, valuesOf, type FlatEntry, type FlatSpec } from './flat-buffer';
export { adamUpdate, WEFT_ADAM_UPDATE, type AdamUpdateAttrs, type AdamUpdateInputs, type AdamUpdateResult } from './kernels/adam-update';
export { rmspropUpdate, WEFT_RMSPROP_UPDATE, type RMSpropUpdateAttrs, type RMSpropUpdateInputs, type RMSpropUpdateResult } from './kernels/rmsprop-update';
export { adagradUpdate, WEFT_ADAGRAD_UPDATE, type AdagradUpdateAttrs, type AdagradUpdateInputs } from './kernels/adagrad-update';
export { adadeltaUpdate, WEFT_ADADELTA_UPDATE, type AdadeltaUpdateAttrs, type AdadeltaUpdateInputs } from './kernels/adadelta-update';
export { sgdMomentumUpdate, WEFT_SGD_MOMENTUM_UPDATE, type SgdMomentumUpdateAttrs, type SgdMomentumUpdateInputs } from './kernels/sgd-momentum-update';
export { gemm, WEFT_GEMM } from './kernels/gemm';
export { im2col1d, hasIm2Col } from './kernels/im2col';
export { maxOverSteps, reluGradFromOutput } from './kernels/select-grad';
export { dropoutMask, WEFT_DROPOUT_MASK } from './kernels/dropout-mask';
export { segmentSums, WEFT_SEGMENT_SUMS, type SegmentPlan } from './kernels/segment-sums';
export {
  hasLstmSequenceKernels,
  lstmSequenceForward,
  lstmSequenceBackward,
  type LstmForwardInputs,
  type LstmForwardResult,
  type LstmBackwardInputs,
  type LstmBackwardResult,
} from './kernels/lstm-ops';
export * as wasmAsm from './kernels/wasm-asm';
export { variableGradsStaged, type GradientReady } from './autodiff/staged-gradients';
export { StepTracer, type StepTracerOptions, type TraceTrack } from './trace/step-tracer';
export {
  STEP_SPANS,
  SPAN_CATEGORIES,
  tracePid,
  type TraceEvent,
  type TraceFile,
  type TraceCategory,
} from './trace/trace-event';
export { traceClockUs, TRACE_CLOCK_ENV } from './trace/trace-clock';
export { writeTrace, writeRankTraces, readTrace, validateTrace, traceFile, type RankTraceFiles } from './trace/trace-file';
export { summarizeTrace, type RankTraceSummary, type SpanTotals, type StepShares } from './trace/trace-summary';
export { threadCpuSeconds } from './trace/thread-cpu';
export { parseFlags, intOption, choiceOption, type FlagOptions, type ParseFlagsSettings } from './command-line';
