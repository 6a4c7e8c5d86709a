import { getActivation, serializeActivation, type Activation, type ActivationId } from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { BaseRnn, type BaseRnnArgs } from './base-rnn';
import { gruSequence, gruStep, isFusedActivation, runStepByStep, type SequenceArgs, type SequenceResult } from './ops';

export interface GruArgs extends BaseRnnArgs {
  /** Activation of the update and reset gates (default sigmoid). */
  recurrentActivation?: ActivationId;
  /**
   * true (Keras 3's default, cuDNN-compatible): the reset gate multiplies (h U_h + b_rh), and the
   * bias is [2, 3 units] (input and recurrent); false: it multiplies h before the matmul, bias [3 units].
   */
  resetAfter?: boolean;
}

/** Gated recurrent unit (Cho 2014), Keras's GRU: gate order z, r, h. */
export class GRU extends BaseRnn {
  static override className = 'GRU';
  protected readonly gateCount = 3;
  protected readonly stateCount = 1;
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;

  constructor(args: GruArgs) {
    super(args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.resetAfter = args.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected runSequence(args: SequenceArgs): SequenceResult {
    const act = this.activation.name;
    const rec = this.recurrentActivation.name;
    if (isFusedActivation(act) && isFusedActivation(rec)) {
      return gruSequence({ ...args, activation: act, recurrentActivation: rec, resetAfter: this.resetAfter });
    }
    return runStepByStep(args, gruStep(args, this.activation.apply, this.recurrentActivation.apply, this.resetAfter));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      resetAfter: this.resetAfter,
    };
  }
}
registerLayer(GRU);

export const gru = (args: GruArgs) => new GRU(args);
