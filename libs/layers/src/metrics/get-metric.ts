import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { getLoss } from '../losses/get-loss';
import { Loss } from '../losses/loss';
import { Accuracy } from './accuracy';
import { AUC } from './auc';
import { BinaryAccuracy } from './binary-accuracy';
import { CategoricalAccuracy } from './categorical-accuracy';
import { LossMetric } from './loss-metric';
import { Mean } from './mean';
import { Metric } from './metric';
import { Precision } from './precision';
import { Recall } from './recall';
import { SparseCategoricalAccuracy } from './sparse-categorical-accuracy';
import { SparseTopKCategoricalAccuracy } from './sparse-top-k-categorical-accuracy';
import { TopKCategoricalAccuracy } from './top-k-categorical-accuracy';

type Config = Record<string, unknown>;

const table = new NameTable<Metric>(
  'metric',
  {
    mean: (c: Config) => new Mean(c),
    accuracy: (c: Config) => new Accuracy(c),
    binaryAccuracy: (c: Config) => new BinaryAccuracy(c),
    categoricalAccuracy: (c: Config) => new CategoricalAccuracy(c),
    sparseCategoricalAccuracy: (c: Config) => new SparseCategoricalAccuracy(c),
    precision: (c: Config) => new Precision(c),
    recall: (c: Config) => new Recall(c),
    auc: (c: Config) => new AUC(c),
    topKCategoricalAccuracy: (c: Config) => new TopKCategoricalAccuracy(c),
    sparseTopKCategoricalAccuracy: (c: Config) => new SparseTopKCategoricalAccuracy(c),
    lossMetric: (c: Config) => new LossMetric(c as never),
  },
  { acc: 'accuracy' },
);

/** Makes a custom Metric class resolvable by its className (for deserialization). */
export function registerMetric(cls: { className: string; new (config: Config): Metric }): void {
  table.register(cls.className, (c) => new cls(c));
}

/**
 * Resolves a metric from a name ('binaryAccuracy', 'auc'; a loss name such as 'mae' gives the
 * mean of that loss), an instance, or `{className, config}`. 'accuracy' here is exact equality:
 * use resolveMetric to pick the accuracy that fits the model.
 */
export function getMetric(id: string | Metric | Serialized): Metric {
  if (id instanceof Metric) return id;
  if (typeof id === 'string') {
    if (table.has(id)) return table.create(id);
    try {
      return new LossMetric({ loss: id, name: id });
    } catch {
      return table.create(id); // the unknown-name error lists the metric names
    }
  }
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as a metric: pass a name, a Metric or {className, config}.`);
}

/**
 * Keras's compile-time choice for 'accuracy'/'acc': binary accuracy when the model has one
 * output unit or trains with binary crossentropy, sparse categorical accuracy with sparse
 * categorical crossentropy, else categorical accuracy. Other identifiers go to getMetric.
 */
export function resolveMetric(
  id: string | Metric | Serialized, loss?: string | Loss | Serialized | null, outputShape?: (number | null)[],
): Metric {
  if (typeof id !== 'string' || !['accuracy', 'acc'].includes(id)) return getMetric(id);
  const lossClass = loss ? (getLoss(loss).constructor as typeof Loss).className : '';
  const lastDim = outputShape?.[outputShape.length - 1];
  if (lastDim === 1 || lossClass === 'BinaryCrossentropy') return new BinaryAccuracy({ name: id });
  if (lossClass === 'SparseCategoricalCrossentropy') return new SparseCategoricalAccuracy({ name: id });
  return new CategoricalAccuracy({ name: id });
}

export function serializeMetric(metric: Metric): Serialized {
  const className = (metric.constructor as typeof Metric).className;
  return { className, config: metric.getConfig() };
}
