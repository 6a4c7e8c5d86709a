export { Callback, CallbackList, type CallbackModel, type Logs, type TrainingParams } from './callback';
export { History } from './history';
export { ProgbarLogger, formatLogValue, type ProgbarLoggerArgs } from './progbar-logger';
export { EarlyStopping, type EarlyStoppingArgs } from './early-stopping';
export { ModelCheckpoint, formatFilepath, type ModelCheckpointArgs } from './model-checkpoint';
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau';
export { TerminateOnNaN } from './terminate-on-nan';
export { CSVLogger, type CSVLoggerArgs } from './csv-logger';
export { LambdaCallback, type LambdaCallbackArgs } from './lambda-callback';
