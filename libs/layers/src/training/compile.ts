import { getLoss, Loss, serializeLoss } from '../losses';
import { Metric, resolveMetric, serializeMetric } from '../metrics';
import { getOptimizer, Optimizer, serializeOptimizer } from '../optimizers';
import type { Serialized } from '../activations';
import type { LossFunction } from '../losses';
import type { Shape } from '../engine/shape';

export type LossId = string | Loss | Serialized | LossFunction;
export type MetricId = string | Metric | Serialized;

export interface CompileArgs {
  optimizer: string | Optimizer | Serialized;
  /** One loss for every output, one per output, or keyed by output name. */
  loss: LossId | LossId[] | Record<string, LossId>;
  /** Metrics for every output, one list per output, or keyed by output name. */
  metrics?: MetricId[] | MetricId[][] | Record<string, MetricId[]>;
  /** Weight of each output's loss in the total (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
}

/** What compile() resolved, plus its serializable form (to rebuild the model elsewhere). */
export interface CompiledModel {
  optimizer: Optimizer;
  losses: Loss[];
  lossWeights: number[];
  metrics: Metric[][];
  config: CompileConfig;
}

export interface CompileConfig {
  optimizer: Serialized;
  loss: Serialized[];
  metrics: Serialized[][];
  lossWeights: number[];
}

/** The part of a model compile() needs. */
export interface CompilableModel {
  readonly name: string;
  readonly outputNames: string[];
  readonly outputs: { shape: Shape }[];
  readonly built: boolean;
}

function perOutput<T>(value: T | T[] | Record<string, T>, names: string[], what: string, isSingle: (v: unknown) => boolean): T[] {
  if (isSingle(value)) return names.map(() => value as T);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new Error(`compile(): ${what} has ${value.length} entries but the model has ${names.length} output(s) (${names.join(', ')}).`);
    }
    return value;
  }
  const record = value as Record<string, T>;
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length) throw new Error(`compile(): ${what} names unknown output(s) ${unknown.join(', ')}. Outputs: ${names.join(', ')}`);
  return names.map((n) => record[n]);
}

const isLossLike = (v: unknown) => typeof v === 'string' || typeof v === 'function' || v instanceof Loss || (typeof v === 'object' && v !== null && 'className' in v);

/**
 * Resolves optimizer, losses and metrics (names in camelCase or Keras snake_case, objects, or
 * {className, config}); 'accuracy' picks the variant that fits each output's loss and shape.
 */
export function compileModel(model: CompilableModel, args: CompileArgs): CompiledModel {
  if (!args || args.optimizer === undefined) throw new Error('compile() needs an optimizer, e.g. compile({optimizer: "rmsprop", loss: ...}).');
  if (args.loss === undefined || args.loss === null) throw new Error('compile() needs a loss, e.g. compile({optimizer, loss: "categoricalCrossentropy"}).');
  const names = model.outputNames.length ? model.outputNames : ['output'];
  const optimizer = getOptimizer(args.optimizer);
  const losses = perOutput<LossId>(args.loss, names, 'loss', isLossLike).map((id) => getLoss(id));
  const metricIds = args.metrics === undefined
    ? names.map(() => [] as MetricId[])
    : Array.isArray(args.metrics) && (args.metrics.length === 0 || !Array.isArray(args.metrics[0]))
      ? names.map(() => args.metrics as MetricId[])
      : perOutput<MetricId[]>(args.metrics as MetricId[][] | Record<string, MetricId[]>, names, 'metrics', () => false);
  const metrics = metricIds.map((ids, i) =>
    ids.map((id) => resolveMetric(id, losses[i], model.built && model.outputs[i] ? model.outputs[i].shape : undefined)),
  );
  const lossWeights = args.lossWeights === undefined ? names.map(() => 1) : perOutput<number>(args.lossWeights, names, 'lossWeights', (v) => typeof v === 'number');
  return {
    optimizer,
    losses,
    lossWeights,
    metrics,
    config: {
      optimizer: serializeOptimizer(optimizer),
      loss: losses.map((l) => serializeLoss(l)),
      metrics: metrics.map((ms) => ms.map((m) => serializeMetric(m))),
      lossWeights,
    },
  };
}

/** Compile arguments that rebuild the same compiled state from its config (another thread/process). */
export function compileArgsFromConfig(config: CompileConfig): CompileArgs {
  return { optimizer: config.optimizer, loss: config.loss, metrics: config.metrics, lossWeights: config.lossWeights };
}
