import { registerLayer } from '../../engine/registry';
import { BaseRnn, type BaseRnnArgs } from './base-rnn';
import { isFusedActivation, runStepByStep, simpleRnnSequence, simpleRnnStep, type SequenceArgs, type SequenceResult } from './ops';

export type SimpleRnnArgs = BaseRnnArgs;

/** Fully connected RNN: h_t = activation(x_t W + h_{t-1} U + b). */
export class SimpleRNN extends BaseRnn {
  static override className = 'SimpleRNN';
  protected readonly gateCount = 1;
  protected readonly stateCount = 1;

  protected runSequence(args: SequenceArgs): SequenceResult {
    const act = this.activation.name;
    if (isFusedActivation(act)) return simpleRnnSequence({ ...args, activation: act });
    return runStepByStep(args, simpleRnnStep(args, this.activation.apply));
  }
}
registerLayer(SimpleRNN);

export const simpleRNN = (args: SimpleRnnArgs) => new SimpleRNN(args);
