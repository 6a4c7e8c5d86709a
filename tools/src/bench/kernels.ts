/**
 * Our wasm training kernels beside the stock wasm kernels (and the cpu backend where it finishes
 * in reasonable time), at the shapes of the seed's IMDB models, batch 32; then whole training
 * steps of both models on wasm with and without our kernels.
 *
 *   npx tsx tools/src/bench/kernels.ts [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers' bundle registers tfjs-core's gradients; the chained ops are for its orthogonal initializer.
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { gemm, maxOverSteps, parseFlags, registerWasmTrainingKernels, reluGradFromOutput, unregisterWasmTrainingKernels } from '@weft/tensor';
import { imdbCnn, imdbLstm } from './imdb-models';
import { fallbackNotes, registerStockFallbacks } from './stock-fallbacks';
import { medianOpMs, medianStepMs, ms, printTable, ratio } from './timing';

const { values } = parseFlags(process.argv.slice(2), { quick: { type: 'boolean' } }, { help: 'Usage: npx tsx tools/src/bench/kernels.ts [--quick]' });
const quick = values.quick ?? false;
const reps = quick ? 3 : 10;
const stepReps = quick ? 2 : 5;
const batch = 32;

interface KernelCase {
  kernel: string;
  shapes: string;
  op: () => tf.Tensor | tf.Tensor[];
  /** Why the cpu backend is not run at this shape, when it is not. */
  cpuSkip?: string;
}

function kernelCases(): KernelCase[] {
  const keep = <T extends tf.Tensor>(t: T) => tf.keep(t);
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}) => () =>
    tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  const cnnTable = keep(tf.randomNormal([20000, 50]));
  const cnnIds = keep(tf.randomUniform([batch, 400], 0, 20000, 'int32'));
  const cnnRows = keep(tf.randomNormal([batch * 400, 50]));
  const lstmTable = keep(tf.randomNormal([20000, 128]));
  const lstmIds = keep(tf.randomUniform([batch, 80], 0, 20000, 'int32'));
  const lstmRows = keep(tf.randomNormal([batch * 80, 128]));
  const convX = keep(tf.randomNormal([batch, 1, 400, 50]));
  const convW = keep(tf.randomNormal([1, 3, 50, 250]));
  const convDy = keep(tf.randomNormal([batch, 1, 398, 250]));
  const features = keep(tf.relu(tf.randomNormal([batch, 398, 250])));
  const featureMax = keep(tf.max(features, 1, true));
  const convDyFlat = keep(tf.reshape(convDy, [batch, 398, 250]));
  const pooledDy = keep(tf.randomNormal([batch, 1, 199, 250]));
  const pooled = keep(tf.maxPool(convDy as tf.Tensor4D, [1, 2], [1, 2], 'valid'));
  const dense = keep(tf.randomNormal([batch, 250]));
  const denseW = keep(tf.randomNormal([250, 250]));
  const h = keep(tf.randomNormal([batch, 128]));
  const gates = keep(tf.randomNormal([batch, 512]));
  const lstmW = keep(tf.randomNormal([128, 512]));
  const lstmBias = keep(tf.randomNormal([128]));
  const timeMajor = keep(tf.randomNormal([80, batch, 128]));
  const allGates = keep(tf.randomNormal([80 * batch, 512])) as tf.Tensor2D;
  const allGatesT = keep(tf.randomNormal([512, 80 * batch])) as tf.Tensor2D;
  const lstmWT = keep(tf.randomNormal([512, 128])) as tf.Tensor2D;
  const lstmBias4 = keep(tf.randomNormal([512])) as tf.Tensor1D;
  const flatIds = (ids: tf.Tensor) => keep(tf.reshape(ids, [-1]));
  const cnnFlatIds = flatIds(cnnIds);
  const lstmFlatIds = flatIds(lstmIds);
  const segmentSkip = 'one masked pass over all rows per segment: minutes for 20000 segments';
  const convSkip = 'naive loops: about 100 s (FINDINGS)';
  return [
    { kernel: 'GatherV2', shapes: 'CNN embedding [20000,50] by [32,400]', op: run('GatherV2', { x: cnnTable, indices: cnnIds }, { axis: 0, batchDims: 0 }) },
    { kernel: 'UnsortedSegmentSum', shapes: 'CNN embedding grad [12800,50] -> 20000', op: run('UnsortedSegmentSum', { x: cnnRows, segmentIds: cnnFlatIds }, { numSegments: 20000 }), cpuSkip: segmentSkip },
    {
      kernel: 'Conv2DBackpropFilter',
      shapes: 'x [32,1,400,50] dy [32,1,398,250]',
      op: run('Conv2DBackpropFilter', { x: convX, dy: convDy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [1, 3, 50, 250] }),
      cpuSkip: convSkip,
    },
    {
      kernel: 'Conv2DBackpropInput',
      shapes: 'dy [32,1,398,250] W [1,3,50,250]',
      op: run('Conv2DBackpropInput', { dy: convDy, filter: convW }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [batch, 1, 400, 50] }),
      cpuSkip: convSkip,
    },
    { kernel: 'Equal (broadcast)', shapes: '[32,398,250] vs [32,1,250]', op: () => tf.equal(features, featureMax) },
    { kernel: 'max + its grad (GlobalMaxPool1D)', shapes: '[32,398,250] over axis 1', op: () => tf.grad((x: tf.Tensor) => tf.max(x, 1))(features) },
    // With the stock kernels, maxOverSteps and reluGradFromOutput fall back to tf ops (Equal/Step and Mul).
    { kernel: 'maxOverSteps + its grad (WeftMaxStepsGrad)', shapes: '[32,398,250] over axis 1', op: () => tf.grad((x: tf.Tensor) => maxOverSteps(x as tf.Tensor3D))(features) },
    { kernel: 'WeftReluGrad vs Step + Mul', shapes: 'conv output [32,398,250]', op: () => reluGradFromOutput(convDyFlat, features) },
    {
      kernel: 'MaxPoolGrad',
      shapes: 'MaxPooling1D(2) on [32,1,398,250]',
      op: run('MaxPoolGrad', { dy: pooledDy, input: convDy, output: pooled }, { filterSize: [1, 2], strides: [1, 2], pad: 'valid' }),
    },
    { kernel: 'BatchMatMul transposeA', shapes: 'Dense 250 weight grad x^T dy', op: () => tf.matMul(dense, dense, true, false) },
    { kernel: 'BatchMatMul transposeB', shapes: 'Dense 250 input grad dy W^T', op: () => tf.matMul(dense, denseW, false, true) },
    { kernel: 'BatchMatMul transposeA', shapes: 'LSTM weight grad h^T [32,128] dz [32,512]', op: () => tf.matMul(h, gates, true, false) },
    { kernel: 'BatchMatMul transposeB', shapes: 'LSTM input grad dz [32,512] W^T', op: () => tf.matMul(gates, lstmW, false, true) },
    { kernel: '_FusedMatMul transposeB', shapes: '[32,512] x [128,512]^T + bias', op: () => tf.fused.matMul({ a: gates, b: lstmW, transposeB: true, bias: lstmBias }) },
    // gemm() is WeftGemm with our kernels and the stock _FusedMatMul (XNNPACK) without them.
    { kernel: 'WeftGemm vs _FusedMatMul', shapes: 'LSTM projection [2560,128] x [128,512] + bias', op: () => gemm(lstmRows as tf.Tensor2D, lstmW as tf.Tensor2D, lstmBias4) },
    { kernel: 'WeftGemm vs _FusedMatMul', shapes: 'LSTM weight grad [512,2560] x [2560,128]', op: () => gemm(allGatesT, lstmRows as tf.Tensor2D) },
    { kernel: 'WeftGemm vs _FusedMatMul', shapes: 'LSTM input grad [2560,512] x [512,128]', op: () => gemm(allGates, lstmWT) },
    { kernel: 'WeftGemm vs _FusedMatMul', shapes: 'LSTM step [32,128] x [128,512]', op: () => gemm(h as tf.Tensor2D, lstmW as tf.Tensor2D) },
    { kernel: 'Identity', shapes: 'clone of the CNN embedding [20000,50]', op: () => tf.clone(cnnTable) },
    { kernel: 'Unpack', shapes: 'LSTM input [80,32,128] into steps', op: () => tf.unstack(timeMajor) },
    { kernel: 'GatherV2', shapes: 'LSTM embedding [20000,128] by [32,80]', op: run('GatherV2', { x: lstmTable, indices: lstmIds }, { axis: 0, batchDims: 0 }) },
    { kernel: 'UnsortedSegmentSum', shapes: 'LSTM embedding grad [2560,128] -> 20000', op: run('UnsortedSegmentSum', { x: lstmRows, segmentIds: lstmFlatIds }, { numSegments: 20000 }), cpuSkip: segmentSkip },
  ];
}

/** Runs `f` with the stock wasm kernels (plus fallbacks where the stock backend has none), then restores ours. */
async function withStockKernels<T>(f: () => Promise<T> | T): Promise<T> {
  unregisterWasmTrainingKernels();
  const removeFallbacks = registerStockFallbacks();
  try {
    return await f();
  } finally {
    removeFallbacks();
    registerWasmTrainingKernels();
  }
}

/** The first output's values, copied out. */
function firstOutput(op: KernelCase['op']): Float32Array {
  return tf.tidy(() => {
    const r = op();
    return Float32Array.from((Array.isArray(r) ? r[0] : r).dataSync());
  });
}

function maxRelDiff(x: Float32Array, y: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return x.length === y.length ? worst : Infinity;
}

async function benchKernels(): Promise<void> {
  const rows: string[][] = [];
  for (const c of kernelCases()) {
    await tf.setBackend('wasm');
    const ours = medianOpMs(c.op, reps);
    const stock = await withStockKernels(() => medianOpMs(c.op, reps));
    const oursOut = firstOutput(c.op);
    const diffStock = maxRelDiff(oursOut, await withStockKernels(() => firstOutput(c.op)));
    let cpu: number | undefined;
    let diffCpu: number | undefined;
    if (!c.cpuSkip) {
      await tf.setBackend('cpu');
      cpu = medianOpMs(c.op, 1);
      diffCpu = maxRelDiff(oursOut, firstOutput(c.op));
      await tf.setBackend('wasm');
    }
    rows.push([
      c.kernel,
      c.shapes,
      ms(ours),
      ms(stock) + (c.kernel in fallbackNotes ? ' (fallback)' : ''),
      ratio(stock, ours),
      cpu === undefined ? 'skipped' : ms(cpu),
      ratio(cpu, ours),
      diffStock.toExponential(0),
      diffCpu === undefined ? '-' : diffCpu.toExponential(0),
    ]);
    console.error(`done: ${c.kernel} ${c.shapes}`);
  }
  console.log(`\nKernels on wasm, batch ${batch}, median of ${reps} (cpu: 1 run). ratio = other / ours.`);
  printTable(['kernel', 'shapes', 'ours ms', 'stock wasm ms', 'stock/ours', 'cpu ms', 'cpu/ours', 'ours vs stock', 'ours vs cpu'], rows);
  console.log('ours vs stock/cpu: largest |ours - other| / max(1, |other|). Where ours disagrees with stock but matches cpu, the stock wasm kernel is wrong.');
  console.log('Fallbacks where the stock wasm backend has no kernel:');
  for (const [k, note] of Object.entries(fallbackNotes)) console.log(`  ${k}: ${note}`);
  console.log('cpu skipped: UnsortedSegmentSum (one masked pass per segment: minutes for 20000 segments); conv gradients (about 100 s, FINDINGS).');
}

async function benchSteps(): Promise<void> {
  const rows: string[][] = [];
  for (const [name, build, length] of [
    ['IMDB CNN', imdbCnn, 400],
    ['IMDB LSTM', imdbLstm, 80],
  ] as const) {
    await tf.setBackend('wasm');
    const model = build();
    const x = tf.randomUniform([batch, length], 0, 20000, 'int32');
    const y = tf.cast(tf.greater(tf.randomUniform([batch, 1]), 0.5), 'float32');
    const step = () => model.trainOnBatch(x, y);
    const ours = await medianStepMs(step, stepReps);
    const stock = await withStockKernels(() => medianStepMs(step, stepReps));
    rows.push([name, ms(ours), ms(stock), ratio(stock, ours), (batch / (ours / 1000)).toFixed(0), (batch / (stock / 1000)).toFixed(0)]);
    tf.dispose([x, y]);
    model.layers.forEach((l) => l.dispose());
    console.error(`done: ${name} step`);
  }
  console.log(`\nTraining step (forward + backward + adam update) with tfjs-layers on wasm, batch ${batch}, median of ${stepReps}.`);
  printTable(['model', 'ours ms/step', 'stock ms/step', 'stock/ours', 'ours samples/s', 'stock samples/s'], rows);
  console.log('The stock runs use the fallbacks above for UnsortedSegmentSum and Conv2DBackpropFilter.');
  console.log('cpu backend steps skipped: its UnsortedSegmentSum (both models) and Conv2DBackpropFilter (CNN) take minutes per step.');
}

async function main(): Promise<void> {
  const start = performance.now();
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await benchKernels();
  await benchSteps();
  console.log(`\n(${quick ? 'quick, ' : ''}${((performance.now() - start) / 1000).toFixed(0)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
