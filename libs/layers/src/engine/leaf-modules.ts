import * as tf from '@tensorflow/tfjs-core';

// Temporary stand-ins for engineer B's leaf modules (activations, initializers, regularizers,
// constraints), with the contract's names and shapes; replaced by re-exports once those land.

export interface Activation {
  name: string;
  apply(x: tf.Tensor): tf.Tensor;
}
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}
export abstract class Initializer {
  static className = 'Initializer';
  abstract apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  getConfig(): Record<string, unknown> {
    return {};
  }
}
export interface Regularizer {
  apply(x: tf.Tensor): tf.Scalar;
  getConfig(): Record<string, unknown>;
}
export interface Constraint {
  apply(w: tf.Tensor): tf.Tensor;
  getConfig(): Record<string, unknown>;
}

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softmax: (x) => tf.softmax(x),
};

export function getActivation(id?: string | Activation | null): Activation {
  if (id == null) return { name: 'linear', apply: ACTIVATIONS.linear };
  if (typeof id !== 'string') return id;
  const fn = ACTIVATIONS[id];
  if (!fn) throw new Error(`Unknown activation '${id}'. Valid: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return { name: id, apply: fn };
}
export function serializeActivation(a: Activation): string {
  return a.name;
}

class Uniform extends Initializer {
  constructor(readonly className: string, private readonly limit: (shape: number[]) => number) {
    super();
  }
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    const l = this.limit(shape);
    return l === 0 ? tf.zeros(shape, dtype) : tf.randomUniform(shape, -l, l, dtype);
  }
}
const INITIALIZERS: Record<string, () => Initializer> = {
  zeros: () => new Uniform('Zeros', () => 0),
  glorotUniform: () =>
    new Uniform('GlorotUniform', (s) => {
      const fanIn = s.length >= 2 ? s[s.length - 2] : s[0];
      const fanOut = s[s.length - 1];
      return Math.sqrt(6 / (fanIn + fanOut));
    }),
  uniform: () => new Uniform('RandomUniform', () => 0.05),
  randomUniform: () => new Uniform('RandomUniform', () => 0.05),
};
export function getInitializer(id: string | Initializer | Serialized): Initializer {
  if (id instanceof Initializer) return id;
  const name = typeof id === 'string' ? id : id.className.charAt(0).toLowerCase() + id.className.slice(1);
  const make = INITIALIZERS[name];
  if (!make) throw new Error(`Unknown initializer '${name}'. Valid: ${Object.keys(INITIALIZERS).join(', ')}`);
  return make();
}
export function serializeInitializer(i: Initializer): Serialized {
  return { className: (i as unknown as { className: string }).className, config: i.getConfig() };
}
export function getRegularizer(id?: Regularizer | Serialized | null): Regularizer | null {
  if (id == null) return null;
  if ('apply' in id) return id;
  throw new Error(`Regularizer deserialization needs the regularizers module. Received: ${JSON.stringify(id)}`);
}
export function serializeRegularizer(r: Regularizer | null): Serialized | null {
  return r ? { className: r.constructor.name, config: r.getConfig() } : null;
}
export function getConstraint(id?: Constraint | Serialized | null): Constraint | null {
  if (id == null) return null;
  if ('apply' in id) return id;
  throw new Error(`Constraint deserialization needs the constraints module. Received: ${JSON.stringify(id)}`);
}
export function serializeConstraint(c: Constraint | null): Serialized | null {
  return c ? { className: c.constructor.name, config: c.getConfig() } : null;
}
