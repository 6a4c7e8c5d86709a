import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { BinaryCrossentropy } from './binary-crossentropy';
import { CategoricalCrossentropy } from './categorical-crossentropy';
import { Hinge } from './hinge';
import { Huber } from './huber';
import { KLDivergence } from './kl-divergence';
import { Loss } from './loss';
import { LossFunctionWrapper, type LossFunction } from './loss-function-wrapper';
import { MeanAbsoluteError } from './mean-absolute-error';
import { MeanSquaredError } from './mean-squared-error';
import { SparseCategoricalCrossentropy } from './sparse-categorical-crossentropy';

type Config = Record<string, unknown>;

const table = new NameTable<Loss>(
  'loss',
  {
    binaryCrossentropy: (c: Config) => new BinaryCrossentropy(c),
    categoricalCrossentropy: (c: Config) => new CategoricalCrossentropy(c),
    sparseCategoricalCrossentropy: (c: Config) => new SparseCategoricalCrossentropy(c),
    meanSquaredError: (c: Config) => new MeanSquaredError(c),
    meanAbsoluteError: (c: Config) => new MeanAbsoluteError(c),
    hinge: (c: Config) => new Hinge(c),
    huber: (c: Config) => new Huber(c),
    kld: (c: Config) => new KLDivergence(c),
  },
  {
    mse: 'meanSquaredError',
    mae: 'meanAbsoluteError',
    klDivergence: 'kld',
    kullbackLeiblerDivergence: 'kld',
    huberLoss: 'huber',
  },
);

/** Makes a custom Loss class resolvable by its className (for deserialization). */
export function registerLoss(cls: { className: string; new (config: Config): Loss }): void {
  table.register(cls.className, (c) => new cls(c));
}

/**
 * Resolves a loss from a name ('binaryCrossentropy', 'binary_crossentropy', 'mse'), an
 * instance, `{className, config}`, or a per-sample function.
 */
export function getLoss(id: string | Loss | Serialized | LossFunction): Loss {
  if (id instanceof Loss) return id;
  if (typeof id === 'string') return table.create(id);
  if (typeof id === 'function') return new LossFunctionWrapper(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as a loss: pass a name, a Loss, a function or {className, config}.`);
}

export function serializeLoss(loss: Loss): Serialized {
  const className = (loss.constructor as typeof Loss).className;
  if (loss instanceof LossFunctionWrapper) {
    throw new Error(`Loss '${loss.name}' wraps a plain function and cannot be serialized: subclass Loss and registerLoss() it.`);
  }
  return { className, config: loss.getConfig() };
}
