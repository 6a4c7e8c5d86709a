export { Callback, CallbackList, type Logs, type TrainingParams } from './callback';
export { History } from './history';
export { ProgbarLogger, formatLogValue, type ProgbarLoggerArgs } from './progbar-logger';
