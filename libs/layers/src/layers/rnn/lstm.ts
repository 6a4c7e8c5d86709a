import * as tf from '@tensorflow/tfjs-core';
import {
  getActivation,
  Initializer,
  serializeActivation,
  type Activation,
  type ActivationId,
} from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { BaseRnn, type BaseRnnArgs } from './base-rnn';
import { isFusedActivation, lstmSequence, lstmStep, runStepByStep, type SequenceArgs, type SequenceResult } from './ops';

export interface LstmArgs extends BaseRnnArgs {
  /** Activation of the input, forget and output gates (default sigmoid). */
  recurrentActivation?: ActivationId;
  /** Initialise the forget gate's bias to ones, the rest with biasInitializer (default true). */
  unitForgetBias?: boolean;
}

/** Bias initializer for unitForgetBias: [init(U), ones(U), init(2U)], in Keras's gate order i, f, c, o. */
class UnitForgetBias extends Initializer {
  static override className = 'UnitForgetBias';
  constructor(private readonly inner: Initializer, private readonly units: number) {
    super();
  }
  apply(_shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    const u = this.units;
    return tf.tidy(() =>
      tf.concat([this.inner.apply([u], dtype), tf.ones([u], dtype), this.inner.apply([2 * u], dtype)]),
    );
  }
}

/**
 * Long short-term memory (Hochreiter 1997), Keras's LSTM: kernel [features, 4 units],
 * recurrent_kernel [units, 4 units], one bias [4 units], gate order i, f, c, o.
 */
export class LSTM extends BaseRnn {
  static override className = 'LSTM';
  protected readonly gateCount = 4;
  protected readonly stateCount = 2;
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;

  constructor(args: LstmArgs) {
    super(args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override biasInitializerForBuild(): Initializer {
    return this.unitForgetBias ? new UnitForgetBias(this.specs.bias.initializer, this.units) : this.specs.bias.initializer;
  }

  protected runSequence(args: SequenceArgs): SequenceResult {
    const act = this.activation.name;
    const rec = this.recurrentActivation.name;
    if (isFusedActivation(act) && isFusedActivation(rec)) {
      return lstmSequence({ ...args, activation: act, recurrentActivation: rec });
    }
    return runStepByStep(args, lstmStep(args, this.activation.apply, this.recurrentActivation.apply));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
    };
  }
}
registerLayer(LSTM);

export const lstm = (args: LstmArgs) => new LSTM(args);
