import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type MaskArg } from '../engine/layer';
import { deserializeLayer, serializeLayer } from '../engine/registry';
import type { Shape } from '../engine/shape';
import { assertClose, type Tolerance } from './assert-close';

/** The part of a tfjs-layers layer the harness uses as an oracle (tfjs-layers is a dev dependency). */
export interface OracleLayer {
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  setWeights(weights: tf.Tensor[]): void;
  readonly weights: { read(): tf.Tensor }[];
}

export interface LayerTestCase {
  /** Makes a fresh layer (called more than once). */
  layer: () => Layer;
  /** Concrete inputs, batch axis first; a list for multi-input layers. */
  inputs: tf.Tensor | tf.Tensor[];
  /** Extra call arguments (mask, training, ...). */
  callArgs?: CallArgs;
  expectedOutputShape?: number[] | number[][];
  /** Expected output mask (null: none); omitted means unchecked. */
  expectedOutputMask?: tf.Tensor | null;
  expectedNumTrainableWeights?: number;
  expectedNumNonTrainableWeights?: number;
  /** A tfjs-layers layer computing the same function. */
  oracle?: () => OracleLayer;
  /** Our weights (in `weights` order) rearranged into the oracle's weight order and layout. */
  toOracleWeights?: (ours: tf.Tensor[]) => tf.Tensor[];
  /** Whether float inputs get gradient checks (false for index inputs given as floats); default true. */
  differentiableInputs?: boolean;
  /** Compare gradients with the oracle too (off where tfjs-layers cannot differentiate); default true. */
  oracleGradients?: boolean;
  /** Call arguments for the oracle (e.g. {mask}); defaults to {training} from callArgs. */
  oracleCallArgs?: Record<string, unknown>;
  /** Tolerance against the oracle (outputs and gradients). */
  tolerance?: Tolerance;
  /** Central finite differences on a sample of coordinates; default on. */
  finiteDifferences?: boolean | { eps?: number; samples?: number; tolerance?: Tolerance };
  /** getConfig -> JSON -> deserializeLayer round trip; default on. */
  serialization?: boolean;
}

export interface LayerTestReport {
  outputShape: number[][];
  oracleChecked: boolean;
  gradientsChecked: number;
  finiteDifferenceSamples: number;
}

const isDifferentiable = (x: tf.Tensor, tc: LayerTestCase) => x.dtype === 'float32' && tc.differentiableInputs !== false;

const asList = (x: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(x) ? x : [x]);

/** Disposes the tensors among `xs` that are not in `keep` (identity layers return their input). */
function disposeNew(xs: unknown, keep: unknown[]): void {
  const list = (Array.isArray(xs) ? xs : [xs]).filter((t): t is tf.Tensor => t instanceof tf.Tensor && !keep.includes(t));
  tf.dispose(list);
}

/** The scalar every gradient check differentiates: sum(output_i * r_i) with fixed random r_i. */
function projector(outputs: tf.Tensor[]): (outs: tf.Tensor[]) => tf.Scalar {
  const weights = outputs.map((o, i) => tf.randomUniform(o.shape, -1, 1, 'float32', 1234 + i));
  return (outs) => tf.addN(outs.map((o, i) => tf.sum(tf.mul(tf.cast(o, 'float32'), weights[i])))) as tf.Scalar;
}

function gradsOf(
  f: () => tf.Scalar,
  inputs: tf.Variable[],
  weights: tf.Variable[],
): { inputs: tf.Tensor[]; weights: tf.Tensor[] } {
  const all = [...inputs, ...weights];
  const { value, grads } = tf.variableGrads(f, all);
  value.dispose();
  const pick = (v: tf.Variable) => grads[v.name] ?? tf.zerosLike(v);
  return { inputs: inputs.map(pick), weights: weights.map(pick) };
}

function checkShapes(layer: Layer, inputs: tf.Tensor[], outputs: tf.Tensor[], tc: LayerTestCase): void {
  const multi = Array.isArray(tc.inputs);
  const symbolicShapes: Shape[] = inputs.map((x) => [null, ...x.shape.slice(1)]);
  const computed = layer.computeOutputShape(multi ? symbolicShapes : symbolicShapes[0]);
  const computedList = (outputs.length > 1 || Array.isArray(computed[0]) ? computed : [computed]) as Shape[];
  outputs.forEach((o, i) => {
    const c = computedList[i];
    const ok = c && c.length === o.rank && c.every((d, j) => d === null || d === o.shape[j]);
    if (!ok) {
      throw new Error(
        `${layer.name}: computeOutputShape gave ${JSON.stringify(c)} but call() returned shape [${o.shape}] (output ${i})`,
      );
    }
  });
  if (tc.expectedOutputShape) {
    const expected = (Array.isArray(tc.expectedOutputShape[0]) ? tc.expectedOutputShape : [tc.expectedOutputShape]) as number[][];
    outputs.forEach((o, i) => {
      if (!tf.util.arraysEqual(o.shape, expected[i])) {
        throw new Error(`${layer.name}: output ${i} has shape [${o.shape}], expected [${expected[i]}]`);
      }
    });
  }
}

function checkMask(layer: Layer, mask: MaskArg, expected: tf.Tensor | null): void {
  const got = Array.isArray(mask) ? mask[0] : mask;
  if (expected === null) {
    if (got !== null) throw new Error(`${layer.name}: expected no output mask, got one of shape [${got.shape}]`);
    return;
  }
  if (got === null) throw new Error(`${layer.name}: expected an output mask, got none`);
  assertClose(tf.cast(got, 'float32'), tf.cast(expected, 'float32'), { atol: 0, rtol: 0 }, `${layer.name} output mask`);
}

function checkOracle(layer: Layer, tc: LayerTestCase, inputs: tf.Tensor[], outputs: tf.Tensor[]): number {
  const oracle = tc.oracle!();
  const oracleArgs = tc.oracleCallArgs ?? (tc.callArgs?.training !== undefined ? { training: tc.callArgs.training } : {});
  const multi = Array.isArray(tc.inputs);
  const callOracle = (xs: tf.Tensor[]) => asList(oracle.apply(multi ? xs : xs[0], oracleArgs) as tf.Tensor | tf.Tensor[]);
  tf.dispose(callOracle(inputs)); // builds it
  const ours = layer.getWeights();
  oracle.setWeights(tc.toOracleWeights ? tc.toOracleWeights(ours) : ours);
  const tol = tc.tolerance ?? { rtol: 1e-4, atol: 1e-5 };
  const expected = callOracle(inputs);
  outputs.forEach((o, i) => assertClose(o, expected[i], tol, `${layer.name} output ${i} vs tfjs-layers`));
  if (tc.oracleGradients === false) return 0;

  const project = projector(outputs);
  const inputVars = inputs.filter((x) => isDifferentiable(x, tc)).map((x) => tf.variable(x));
  const withInputs = (xs: tf.Variable[]) => {
    let k = 0;
    return inputs.map((x) => (isDifferentiable(x, tc) ? xs[k++] : x));
  };
  const ourWeights = layer.weights.map((w) => w.read());
  const trainable = new Set(layer.trainableWeights.map((w) => w.read()));
  const ourGrads = gradsOf(
    () => project(asList(layer.apply(multi ? withInputs(inputVars) : withInputs(inputVars)[0], tc.callArgs ?? {}))),
    inputVars,
    ourWeights.filter((w) => trainable.has(w)),
  );
  const oracleWeightVars = oracle.weights.map((w) => w.read() as tf.Variable);
  const oracleGrads = gradsOf(() => project(callOracle(withInputs(inputVars))), inputVars, oracleWeightVars);
  ourGrads.inputs.forEach((g, i) => assertClose(g, oracleGrads.inputs[i], tol, `${layer.name} input ${i} gradient vs tfjs-layers`));
  // Rearrange our gradients (zeros for non-trainable weights) the way the weights were rearranged.
  let k = 0;
  const fullGrads = ourWeights.map((w) => (trainable.has(w) ? ourGrads.weights[k++] : tf.zerosLike(w)));
  const mapped = tc.toOracleWeights ? tc.toOracleWeights(fullGrads) : fullGrads;
  let checked = ourGrads.inputs.length;
  mapped.forEach((g, i) => {
    if (tf.util.arraysEqual(g.shape, oracleWeightVars[i].shape) && oracleWeightVars[i].trainable) {
      assertClose(g, oracleGrads.weights[i], tol, `${layer.name} gradient of oracle weight ${i} vs tfjs-layers`);
      checked++;
    }
  });
  tf.dispose([inputVars, ours, expected]);
  if ('dispose' in oracle && typeof oracle.dispose === 'function') oracle.dispose();
  return checked;
}

function checkFiniteDifferences(layer: Layer, tc: LayerTestCase, inputs: tf.Tensor[], outputs: tf.Tensor[]): number {
  const opts = typeof tc.finiteDifferences === 'object' ? tc.finiteDifferences : {};
  const eps = opts.eps ?? 1e-2;
  const samples = opts.samples ?? 8;
  const tol = opts.tolerance ?? { rtol: 2e-2, atol: 2e-3 };
  const multi = Array.isArray(tc.inputs);
  const project = projector(outputs);
  const inputVars = inputs.map((x) => (isDifferentiable(x, tc) ? tf.variable(x) : null));
  const current = () => inputVars.map((v, i) => v ?? inputs[i]);
  const f = () => project(asList(layer.apply(multi ? current() : current()[0], tc.callArgs ?? {})));
  const weights = layer.trainableWeights.map((w) => w.read());
  const targets = [...(inputVars.filter((v) => v !== null) as tf.Variable[]), ...weights];
  const { value, grads } = tf.variableGrads(f, targets);
  value.dispose();
  let count = 0;
  targets.forEach((v, t) => {
    const analytic = grads[v.name] ? grads[v.name].dataSync() : new Float32Array(v.size);
    const base = v.dataSync().slice();
    for (let s = 0; s < Math.min(samples, v.size); s++) {
      const idx = Math.floor(((s * 7919 + t * 104729) % 1000003) / 1000003 * v.size);
      const at = (delta: number) => {
        const perturbed = base.slice();
        perturbed[idx] += delta;
        v.assign(tf.tensor(perturbed, v.shape, v.dtype));
        return tf.tidy(() => f().dataSync()[0]);
      };
      const within = (numeric: number) =>
        Math.abs(analytic[idx] - numeric) <= (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(numeric);
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      // A kink (relu, max) within eps of the point spoils the difference: retry closer (twice) before
      // failing. At eps / 64 float32 rounding still leaves the difference well inside atol.
      const closer = (h: number) => (at(h) - at(-h)) / (2 * h);
      const ok = within(numeric) || within(closer(eps / 8)) || within(closer(eps / 64));
      v.assign(tf.tensor(base, v.shape, v.dtype));
      if (!ok) {
        throw new Error(
          `${layer.name}: gradient of ${t < inputVars.length ? 'input' : 'weight'} '${v.name}' at flat index ${idx} is ` +
            `${analytic[idx]}, central finite difference gives ${numeric} (eps ${eps})`,
        );
      }
      count++;
    }
  });
  tf.dispose([inputVars.filter((v) => v !== null) as tf.Tensor[], Object.values(grads)]);
  return count;
}

function checkSerialization(layer: Layer, tc: LayerTestCase, inputs: tf.Tensor[], outputs: tf.Tensor[]): void {
  const json = JSON.stringify(serializeLayer(layer));
  const copy = deserializeLayer(JSON.parse(json));
  const multi = Array.isArray(tc.inputs);
  disposeNew(copy.apply(multi ? inputs : inputs[0], tc.callArgs ?? {}), inputs);
  const values = layer.getWeights();
  copy.setWeights(values);
  tf.dispose(values);
  const again = asList(copy.apply(multi ? inputs : inputs[0], tc.callArgs ?? {}));
  outputs.forEach((o, i) => assertClose(again[i], o, { rtol: 1e-6, atol: 1e-6 }, `${layer.name} output ${i} after fromConfig`));
  const reconfig = JSON.stringify(serializeLayer(copy));
  if (reconfig !== json) throw new Error(`${layer.name}: getConfig after fromConfig differs:\n${json}\n${reconfig}`);
  disposeNew(again, inputs);
  copy.dispose();
}

/**
 * The shared layer test (Keras's run_layer_test): builds the layer on `inputs`, checks output
 * shapes against computeOutputShape, the output mask, outputs and input/weight gradients against
 * a tfjs-layers oracle given the same weights, gradients against central finite differences,
 * the getConfig -> fromConfig round trip, and that calling it leaks no tensors. Throws on failure.
 * Run it on the 'cpu' backend with small shapes.
 */
export function runLayerTest(tc: LayerTestCase): LayerTestReport {
  const layer = tc.layer();
  const inputs = asList(tc.inputs);
  const { outputs: out, mask } = layer.invoke(tc.inputs, tc.callArgs ?? {});
  const outputs = asList(out);
  checkShapes(layer, inputs, outputs, tc);
  if (tc.expectedOutputMask !== undefined) checkMask(layer, mask, tc.expectedOutputMask);
  disposeNew(mask, asList((tc.callArgs?.mask ?? []) as tf.Tensor[]));
  if (tc.expectedNumTrainableWeights !== undefined && layer.trainableWeights.length !== tc.expectedNumTrainableWeights) {
    throw new Error(`${layer.name}: ${layer.trainableWeights.length} trainable weights, expected ${tc.expectedNumTrainableWeights}`);
  }
  if (tc.expectedNumNonTrainableWeights !== undefined && layer.nonTrainableWeights.length !== tc.expectedNumNonTrainableWeights) {
    throw new Error(`${layer.name}: ${layer.nonTrainableWeights.length} non-trainable weights, expected ${tc.expectedNumNonTrainableWeights}`);
  }

  const before = tf.memory().numTensors;
  disposeNew(layer.apply(tc.inputs, tc.callArgs ?? {}), inputs);
  layer.clearCallLosses();
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) throw new Error(`${layer.name}: a call leaked ${leaked} tensors`);

  const report: LayerTestReport = {
    outputShape: outputs.map((o) => o.shape),
    oracleChecked: false,
    gradientsChecked: 0,
    finiteDifferenceSamples: 0,
  };
  if (tc.oracle) {
    report.gradientsChecked = tf.tidy(() => checkOracle(layer, tc, inputs, outputs));
    report.oracleChecked = true;
  }
  if (tc.finiteDifferences !== false) {
    report.finiteDifferenceSamples = tf.tidy(() => checkFiniteDifferences(layer, tc, inputs, outputs));
  }
  if (tc.serialization !== false) tf.tidy(() => checkSerialization(layer, tc, inputs, outputs));
  layer.clearCallLosses();
  disposeNew(outputs, inputs);
  layer.dispose();
  return report;
}
