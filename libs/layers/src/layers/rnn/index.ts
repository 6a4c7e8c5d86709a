export { BaseRnn, type BaseRnnArgs } from './base-rnn';
export { LSTM, lstm, type LstmArgs } from './lstm';
export { GRU, gru, type GruArgs } from './gru';
export { SimpleRNN, simpleRNN, type SimpleRnnArgs } from './simple-rnn';
export { Bidirectional, bidirectional, type BidirectionalArgs, type MergeMode } from './bidirectional';
export { TimeDistributed, timeDistributed, type TimeDistributedArgs } from './time-distributed';
