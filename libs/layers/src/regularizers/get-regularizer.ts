import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { L1 } from './l1';
import { L1L2 } from './l1l2';
import { L2 } from './l2';
import { Regularizer } from './regularizer';

type Config = Record<string, unknown>;

const table = new NameTable<Regularizer>('regularizer', {
  l1: (c: Config) => new L1(c),
  l2: (c: Config) => new L2(c),
  l1l2: (c: Config) => new L1L2(c),
});

/** Makes a custom regularizer class resolvable by its className (for deserialization). */
export function registerRegularizer(cls: { className: string; new (config: Config): Regularizer }): void {
  table.register(cls.className, (c) => new cls(c));
}

/** Resolves a regularizer from a name ('l2', 'l1_l2'), an instance or `{className, config}`. */
export function getRegularizer(id: string | Regularizer | Serialized): Regularizer {
  if (id instanceof Regularizer) return id;
  if (typeof id === 'string') return table.create(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as a regularizer: pass a name, a Regularizer or {className, config}.`);
}

export function serializeRegularizer(regularizer: Regularizer): Serialized {
  const className = (regularizer.constructor as typeof Regularizer).className;
  return { className, config: regularizer.getConfig() };
}
