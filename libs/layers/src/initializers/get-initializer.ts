import { NameTable, isSerialized, type Serialized } from '../activations/lookup';
import { Constant } from './constant';
import { GlorotNormal } from './glorot-normal';
import { GlorotUniform } from './glorot-uniform';
import { HeNormal } from './he-normal';
import { HeUniform } from './he-uniform';
import { Identity } from './identity';
import { Initializer } from './initializer';
import { LecunNormal } from './lecun-normal';
import { LecunUniform } from './lecun-uniform';
import { Ones } from './ones';
import { Orthogonal } from './orthogonal';
import { RandomNormal } from './random-normal';
import { RandomUniform } from './random-uniform';
import { TruncatedNormal } from './truncated-normal';
import { VarianceScaling } from './variance-scaling';
import { Zeros } from './zeros';

type Config = Record<string, unknown>;

const table = new NameTable<Initializer>(
  'initializer',
  {
    zeros: () => new Zeros(),
    ones: () => new Ones(),
    constant: (c: Config) => new Constant(c),
    randomNormal: (c: Config) => new RandomNormal(c),
    randomUniform: (c: Config) => new RandomUniform(c),
    truncatedNormal: (c: Config) => new TruncatedNormal(c),
    varianceScaling: (c: Config) => new VarianceScaling(c),
    glorotUniform: (c: Config) => new GlorotUniform(c),
    glorotNormal: (c: Config) => new GlorotNormal(c),
    heUniform: (c: Config) => new HeUniform(c),
    heNormal: (c: Config) => new HeNormal(c),
    lecunUniform: (c: Config) => new LecunUniform(c),
    lecunNormal: (c: Config) => new LecunNormal(c),
    orthogonal: (c: Config) => new Orthogonal(c),
    identity: (c: Config) => new Identity(c),
  },
  { zero: 'zeros', one: 'ones', xavierUniform: 'glorotUniform', xavierNormal: 'glorotNormal' },
);

/** Makes a custom initializer class resolvable by its className (for deserialization). */
export function registerInitializer(cls: { className: string; new (config: Config): Initializer }): void {
  table.register(cls.className, (c) => new cls(c));
}

/** Resolves an initializer from a name ('glorotUniform' / 'glorot_uniform'), an instance or `{className, config}`. */
export function getInitializer(id: string | Initializer | Serialized): Initializer {
  if (id instanceof Initializer) return id;
  if (typeof id === 'string') return table.create(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  throw new Error(`Cannot interpret ${JSON.stringify(id)} as an initializer: pass a name, an Initializer or {className, config}.`);
}

export function serializeInitializer(initializer: Initializer): Serialized {
  const className = (initializer.constructor as typeof Initializer).className;
  return { className, config: initializer.getConfig() };
}
