import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { Constraint } from './constraint';
import { MaxNorm } from './max-norm';
import { MinMaxNorm } from './min-max-norm';
import { NonNeg } from './non-neg';
import { UnitNorm } from './unit-norm';

type Config = Record<string, unknown>;

const table = new NameTable<Constraint>('constraint', {
  maxNorm: (c: Config) => new MaxNorm(c),
  nonNeg: () => new NonNeg(),
  unitNorm: (c: Config) => new UnitNorm(c),
  minMaxNorm: (c: Config) => new MinMaxNorm(c),
});

/** Makes a custom constraint class resolvable by its className (for deserialization). */
export function registerConstraint(cls: { className: string; new (config: Config): Constraint }): void {
  table.register(cls.className, (c) => new cls(c));
}

/** Resolves a constraint from a name ('maxNorm', 'non_neg'), an instance or `{className, config}`. */
export function getConstraint(id: string | Constraint | Serialized): Constraint {
  if (id instanceof Constraint) return id;
  if (typeof id === 'string') return table.create(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as a constraint: pass a name, a Constraint or {className, config}.`);
}

export function serializeConstraint(constraint: Constraint): Serialized {
  const className = (constraint.constructor as typeof Constraint).className;
  return { className, config: constraint.getConfig() };
}
