import * as tf from '@tensorflow/tfjs-core';

/** A node of tfjs's gradient tape (engine internals: the fields backprop reads). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

/** The parts of tfjs's Engine this module drives (present in tfjs-core 4.x, not in its typings). */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  startScope(name?: string): void;
  endScope(result?: tf.TensorContainer): void;
  tidy<T extends tf.TensorContainer>(name: string | (() => T), fn?: () => T): T;
}

/** Called with a variable's gradient as soon as it is final; the backward pass resumes when it settles. */
export type GradientReady = (index: number, grad: tf.Tensor) => void | Promise<void>;

/**
 * The tape nodes on a path from any of `xs` to `y`, in tape order: forward from the xs (nodes fed
 * by them), then backward from y (nodes that feed it); each node's inputs pruned, as tfjs prunes
 * them, to those that depend on an x (no gradient for indices or constants).
 */
function nodesBetween(tape: TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const reached: boolean[] = tape.map((node) => {
    const hit = Object.values(node.inputs).some((t) => fromX.has(t.id));
    if (hit) for (const out of node.outputs) fromX.add(out.id);
    return hit;
  });
  const toY = new Set([y.id]);
  const kept: TapeNode[] = [];
  for (let i = tape.length - 1; i >= 0; i--) {
    if (!reached[i] || !tape[i].outputs.some((out) => toY.has(out.id))) continue;
    const inputs = Object.fromEntries(Object.entries(tape[i].inputs).filter(([, t]) => fromX.has(t.id)));
    for (const input of Object.values(inputs)) toY.add(input.id);
    kept.push({ ...tape[i], inputs });
  }
  return kept.reverse();
}

/** Back-propagates through `nodes` (last first), accumulating into `grads` by tensor id, as tfjs's backprop does. */
function backprop(engine: EngineInternals, nodes: TapeNode[], grads: Map<number, tf.Tensor>): void {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(node.outputs.map((out) => grads.get(out.id) ?? null));
    for (const [name, input] of Object.entries(node.inputs)) {
      const gradient = inputGradients[name];
      if (!gradient) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = engine.tidy(gradient);
      if (dx.dtype !== 'float32' || dx.shape.length !== input.shape.length || dx.shape.some((d, k) => d !== input.shape[k])) {
        throw new Error(`The gradient of ${node.kernelName}'s input '${name}' is ${dx.dtype} ${JSON.stringify(dx.shape)}, not float32 ${JSON.stringify(input.shape)}.`);
      }
      const previous = grads.get(input.id);
      if (previous) {
        grads.set(input.id, tf.add(previous, dx));
        previous.dispose();
      } else {
        grads.set(input.id, dx);
      }
    }
  }
}

/**
 * tf.variableGrads with the backward pass in stages, as PyTorch's autograd hands DDP's Reducer
 * each gradient as it is ready: `onReady(i, grad)` hears variable i's gradient the moment the
 * last op reading it has been back-propagated (the last layers' first), and backward resumes once
 * the returned promise settles (at once when it returns none), so the caller can start communicating those gradients while the
 * rest of the backward pass runs. Ops and their order are tfjs's own, so the gradients are the
 * bits variableGrads gives; tape nodes below the first variable's use (gradients of the inputs
 * only) are skipped. Returns the loss and every gradient (null where the loss does not depend on
 * the variable), kept: the caller disposes them.
 *
 * `lossGradient` is what backward starts from, the gradient of the loss itself (1, as in
 * variableGrads): another value gives the gradients of `lossGradient` x loss, already weighted
 * when they reach onReady, while the loss returned stays as f computed it.
 */
export async function variableGradsStaged(
  f: () => tf.Scalar,
  vars: readonly tf.Variable[],
  onReady: GradientReady,
  lossGradient = 1,
): Promise<{ value: tf.Scalar; grads: (tf.Tensor | null)[] }> {
  const engine = tf.engine() as unknown as EngineInternals;
  const value = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  if (value.rank !== 0) throw new Error(`variableGradsStaged: f must return a scalar. Received rank ${value.rank}`);
  const tape = engine.state.activeTape!;
  const nodes = nodesBetween(tape, vars, value);
  // Position of the first node reading each variable: its gradient is final once backprop passed it.
  const firstUse = vars.map((v) => nodes.findIndex((node) => Object.values(node.inputs).some((t) => t.id === v.id)));
  const stops = [...new Set(firstUse.filter((at) => at >= 0))].sort((a, b) => b - a);
  const grads: (tf.Tensor | null)[] = vars.map(() => null);
  engine.startScope('backward');
  try {
    const seed = lossGradient === 1 ? tf.onesLike(value) : tf.fill(value.shape, lossGradient, 'float32');
    const accumulated = new Map<number, tf.Tensor>([[value.id, seed]]);
    let end = nodes.length;
    for (const stop of stops) {
      backprop(engine, nodes.slice(stop, end), accumulated);
      end = stop;
      for (let i = 0; i < vars.length; i++) {
        if (firstUse[i] !== stop) continue;
        grads[i] = tf.keep(accumulated.get(vars[i].id)!);
        // Not even a microtask's pause where the caller has nothing to wait for.
        const settling = onReady(i, grads[i]!);
        if (settling) await settling;
      }
    }
  } catch (err) {
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
    throw err;
  } finally {
    engine.endScope();
    if (engine.state.gradientDepth === 0) {
      for (const node of tape) for (const saved of node.saved ?? []) saved.dispose();
      engine.state.activeTape = null;
    }
  }
  return { value, grads };
}
