import type { Activation } from './activation';
import { NameTable, isSerialized, type Serialized } from './lookup';
import { elu } from './elu';
import { exponential } from './exponential';
import { gelu } from './gelu';
import { hardSigmoid } from './hard-sigmoid';
import { leakyRelu } from './leaky-relu';
import { linear } from './linear';
import { logSoftmax } from './log-softmax';
import { relu } from './relu';
import { relu6 } from './relu6';
import { selu } from './selu';
import { sigmoid } from './sigmoid';
import { softmax } from './softmax';
import { softplus } from './softplus';
import { softsign } from './softsign';
import { swish } from './swish';
import { tanh } from './tanh';

const builtins = [
  linear, relu, relu6, leakyRelu, elu, selu, tanh, sigmoid, hardSigmoid, softplus, softsign,
  swish, gelu, exponential, softmax, logSoftmax,
];

const table = new NameTable<Activation>(
  'activation',
  Object.fromEntries(builtins.map((a) => [a.name, () => a])),
  { silu: 'swish' },
);

/** Makes a custom activation resolvable by name (and so by deserialization). */
export function registerActivation(activation: Activation): void {
  table.register(activation.name, () => activation);
}

/**
 * Resolves an activation from its name (camelCase or Keras snake_case), an instance, or its
 * serialized form. null/undefined mean linear (identity).
 */
export function getActivation(id?: string | Activation | Serialized | null): Activation {
  if (id === null || id === undefined) return linear;
  if (typeof id === 'string') return table.create(id);
  if (isSerialized(id)) return table.create(id.className, id.config);
  return id;
}

export function serializeActivation(activation: Activation): Serialized {
  return { className: activation.name, config: {} };
}
