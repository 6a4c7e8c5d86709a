import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { AdamW } from './adamw';
import { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

type Config = Record<string, unknown>;

const table = new NameTable<Optimizer>('optimizer', {
  sgd: (c: Config) => new SGD(c),
  rmsprop: (c: Config) => new RMSprop(c),
  adam: (c: Config) => new Adam(c),
  adamw: (c: Config) => new AdamW(c),
  adagrad: (c: Config) => new Adagrad(c),
  adadelta: (c: Config) => new Adadelta(c),
});

/** Makes a custom Optimizer class resolvable by its className (for deserialization). */
export function registerOptimizer(cls: { className: string; new (config: Config): Optimizer }): void {
  table.register(cls.className, (c) => new cls(c));
}

/** Resolves an optimizer from a name ('adam', 'Adam', 'rmsprop'), an instance or `{className, config}`. */
export function getOptimizer(id: string | Optimizer | Serialized): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') return table.create(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as an optimizer: pass a name, an Optimizer or {className, config}.`);
}

export function serializeOptimizer(optimizer: Optimizer): Serialized {
  const className = (optimizer.constructor as typeof Optimizer).className;
  return { className, config: optimizer.getConfig() };
}
