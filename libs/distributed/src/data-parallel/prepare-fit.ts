import { tf } from '@weft/tensor';
import {
  Trainer,
  checkData,
  classWeightsToSampleWeights,
  describeModel,
  requireCompiled,
  tensorValidationData,
  toTensorList,
  type DataInput,
  type EvaluateArgs,
  type FitArgs,
  type Model,
  type ModelSpec,
  type PredictArgs,
} from '@weft/layers';
import type { FitData, TrainPlan } from './fit-job';
import { rowRange, toRowData, type RowData } from './row-data';

/** What the coordinator settles before any worker starts. */
export interface PreparedFit {
  spec: ModelSpec;
  plan: Omit<TrainPlan, 'batchLogs'>;
  epochs: number;
  initialEpoch: number;
  /** Log names, validation ones included, for the callbacks' params. */
  metricNames: string[];
}

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`\`${what}\` must be a positive integer. Received: ${what}=${value}`);
  return value;
}

export function toFitData(xs: tf.Tensor[], ys: tf.Tensor[], sw: tf.Tensor | null, shared: boolean): FitData {
  return {
    xs: xs.map((t, i) => toRowData(t, `x[${i}]`, shared)),
    ys: ys.map((t, i) => toRowData(t, `y[${i}]`, shared)),
    sampleWeight: sw ? toRowData(sw, 'sampleWeight', shared) : null,
  };
}

/** Rows [start, end) of every array (views). */
function sliceFitData(data: FitData, start: number, end: number): FitData {
  return {
    xs: data.xs.map((d) => rowRange(d, start, end)),
    ys: data.ys.map((d) => rowRange(d, start, end)),
    sampleWeight: data.sampleWeight ? rowRange(data.sampleWeight, start, end) : null,
  };
}

/**
 * Checks fit's arguments as fit does and copies the data out of the tensors once (into shared
 * memory for threads), with class weights folded into the sample weights and validationSplit's
 * tail split off.
 */
export function prepareFit(model: Model, x: DataInput, y: DataInput, args: FitArgs, workers: number, shared: boolean, seed: number): PreparedFit {
  requireCompiled(model, 'fit');
  const batchSize = positiveInt(args.batchSize ?? 32, 'batchSize');
  const epochs = positiveInt(args.epochs ?? 1, 'epochs');
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  const ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  let n = checkData(model, xs, ys, [args.sampleWeight ?? null]);
  const classWeights = args.classWeight ? classWeightsToSampleWeights(ys[0], args.classWeight) : null;
  const combined = classWeights && args.sampleWeight ? tf.mul(args.sampleWeight, classWeights) : null;
  let train = toFitData(xs, ys, combined ?? classWeights ?? args.sampleWeight ?? null, shared);
  tf.dispose([classWeights, combined].filter((t): t is tf.Tensor => t !== null));

  let validation: FitData | null = null;
  if (args.validationData) {
    const [vx, vy, vsw] = tensorValidationData(args.validationData);
    const vxs = toTensorList(vx, model.inputNames, 'x', model.name);
    const vys = toTensorList(vy, model.outputNames, 'y', model.name);
    checkData(model, vxs, vys, [vsw ?? null]);
    validation = toFitData(vxs, vys, vsw ?? null, shared);
  } else if (args.validationSplit) {
    const fraction = args.validationSplit;
    const cut = Math.floor(n * (1 - fraction));
    if (!(fraction > 0 && fraction < 1) || cut <= 0 || cut >= n) {
      throw new Error(`fit(): validationSplit must be in (0, 1) and leave samples on both sides. Received: validationSplit=${fraction} of ${n} samples`);
    }
    validation = sliceFitData(train, cut, n);
    train = sliceFitData(train, 0, cut);
    n = cut;
  }
  if (workers > n) {
    throw new Error(
      `DataParallel has ${workers} workers but only ${n} training samples: each worker needs at least one. ` +
        `Use DataParallel({ workers: ${n} }) or fewer.`,
    );
  }

  return {
    spec: describeModel(model),
    plan: {
      train,
      validation,
      batchSize,
      validationBatchSize: positiveInt(args.validationBatchSize ?? batchSize, 'validationBatchSize'),
      stepsPerEpoch: args.stepsPerEpoch !== undefined ? positiveInt(args.stepsPerEpoch, 'stepsPerEpoch') : Math.ceil(n / batchSize),
      shuffle: args.shuffle ?? true,
      seed: args.seed ?? seed,
    },
    epochs,
    initialEpoch: args.initialEpoch ?? 0,
    metricNames: new Trainer(model).fitLogNames(model.outputNames, validation !== null),
  };
}

/** Checks evaluate's arguments as evaluate does and copies the data out once, like prepareFit. */
export function prepareEvaluate(model: Model, x: DataInput, y: DataInput, args: EvaluateArgs, shared: boolean): { spec: ModelSpec; data: FitData; batchSize: number } {
  requireCompiled(model, 'evaluate');
  if (args.steps !== undefined) {
    throw new Error(`DataParallel.evaluate covers all the data: \`steps\` is not supported (pass fewer rows instead). Received: steps=${args.steps}`);
  }
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  const ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  checkData(model, xs, ys, [args.sampleWeight ?? null]);
  return {
    spec: describeModel(model),
    data: toFitData(xs, ys, args.sampleWeight ?? null, shared),
    batchSize: positiveInt(args.batchSize ?? 32, 'batchSize'),
  };
}

/** Checks predict's arguments as predict does and copies the inputs out once, like prepareFit. */
export function preparePredict(model: Model, x: DataInput, args: PredictArgs, shared: boolean): { spec: ModelSpec; xs: RowData[]; batchSize: number } {
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  return {
    spec: describeModel(model),
    xs: xs.map((t, i) => toRowData(t, `x[${i}]`, shared)),
    batchSize: positiveInt(args.batchSize ?? 32, 'batchSize'),
  };
}

