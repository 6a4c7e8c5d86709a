export type { SequenceArgs, SequenceResult } from './sequence-args';
export { FUSED_ACTIVATIONS, isFusedActivation, type FusedActivation } from './activation-derivative';
export { lstmSequence, type LstmSequenceArgs } from './lstm-sequence';
export { gruSequence, type GruSequenceArgs } from './gru-sequence';
export { simpleRnnSequence, type SimpleRnnSequenceArgs } from './simple-rnn-sequence';
export { runStepByStep, lstmStep, gruStep, simpleRnnStep, type ActivationFn, type CellStep } from './step-by-step';
