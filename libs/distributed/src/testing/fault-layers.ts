// Fault injection for the elastic-restart tests; ranks load this module through `modules`.
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { tf } from '@weft/tensor';
import { Layer, registerLayer, type CallArgs, type LayerArgs, type Tensors } from '@weft/layers';

/** The input value that marks the row whose training injects the fault (exact in float32, absent from normal data). */
export const FAULT_MARKER = 0.4375;

/**
 * kill: the rank's process dies of SIGKILL (kill -9; processes only). exit: the thread or process
 * exits (a crash). throw: the step throws. stall: the rank blocks (a hung kernel) far longer than
 * any test's collective timeout.
 */
export type FaultKind = 'kill' | 'exit' | 'throw' | 'stall';

export interface FaultOnMarkerArgs extends LayerArgs {
  /** The n-th training of the marked row injects faults[n - 1]; later ones train it normally. */
  faults: FaultKind[];
  /** Counts the marked row's trainings across restarts (a restarted rank is a new thread or process). */
  counterFile: string;
}

const STALL_MS = 120_000;

/** Identity, except that the first trainings of a batch with the marked row inject the given faults, one each. */
export class FaultOnMarker extends Layer {
  static override className = 'FaultOnMarker';
  readonly faults: FaultKind[];
  readonly counterFile: string;

  constructor(args: FaultOnMarkerArgs) {
    super(args);
    this.faults = args.faults;
    this.counterFile = args.counterFile;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    const x = inputs as tf.Tensor;
    if (args.training && this.faults.length > 0 && tf.tidy(() => tf.any(tf.equal(x, FAULT_MARKER)).dataSync()[0])) {
      const fault = this.faults[this.count() - 1];
      if (fault) inject(fault);
    }
    return tf.clone(x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), faults: this.faults, counterFile: this.counterFile };
  }

  /** Adds this training of the marked row to the file's count; returns the count. */
  private count(): number {
    let seen = 0;
    try {
      seen = Number(readFileSync(this.counterFile, 'utf8'));
    } catch {
      // the first time
    }
    writeFileSync(this.counterFile, String(seen + 1));
    return seen + 1;
  }

}

function inject(fault: FaultKind): void {
  switch (fault) {
    case 'kill':
      if (!isMainThread) throw new Error("FaultOnMarker: fault 'kill' would kill every thread of the process; use 'exit' in threads");
      process.kill(process.pid, 'SIGKILL');
      break;
    case 'exit':
      process.exit(13);
      break;
    case 'throw':
      throw new Error('FaultOnMarker: injected failure');
    case 'stall':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS);
  }
}

registerLayer(FaultOnMarker);
