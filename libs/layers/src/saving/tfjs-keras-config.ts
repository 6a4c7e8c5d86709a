// weft's layer configs (camelCase keys, {className, config} leaf objects) -> the Keras JSON that
// tfjs-layers reads (snake_case keys and enum values, {class_name, config}), with weft's
// activations, initializers, regularizers and constraints mapped to the ones tfjs-layers registers.

type Json = Record<string, unknown>;

/** A config already in Keras form (e.g. a wrapped layer's), passed through untouched. */
export class KerasJson {
  constructor(readonly json: Json) {}
}

/** weft activation name -> tfjs-layers' (Keras) name. */
const ACTIVATIONS: Record<string, string> = {
  elu: 'elu', gelu: 'gelu', linear: 'linear', logSoftmax: 'log_softmax', relu: 'relu', relu6: 'relu6', selu: 'selu',
  sigmoid: 'sigmoid', softmax: 'softmax', softplus: 'softplus', softsign: 'softsign', swish: 'swish', tanh: 'tanh',
};

/** Why an activation weft has cannot be written for tfjs-layers. */
const ACTIVATION_GAPS: Record<string, string> = {
  hardSigmoid: "weft's hardSigmoid is Keras 3's relu6(x + 3) / 6, tfjs-layers' hard_sigmoid is clip(0.2x + 0.5, 0, 1)",
  leakyRelu: 'tfjs-layers has LeakyReLU as a layer, not as an activation',
  exponential: 'tfjs-layers has no exponential activation',
};

/** weft initializer class -> tfjs-layers' class (the weights are overwritten on load; this is for retraining). */
const INITIALIZERS: Record<string, string> = {
  Zeros: 'Zeros', Ones: 'Ones', Constant: 'Constant', RandomUniform: 'RandomUniform', RandomNormal: 'RandomNormal',
  TruncatedNormal: 'TruncatedNormal', Identity: 'Identity', VarianceScaling: 'VarianceScaling', GlorotUniform: 'GlorotUniform',
  GlorotNormal: 'GlorotNormal', HeNormal: 'HeNormal', HeUniform: 'HeUniform', LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform', Orthogonal: 'Orthogonal',
};

const CONSTRAINTS = new Set(['MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm']);

interface Serialized {
  className: string;
  config: Json;
}

export const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function isSerialized(v: unknown): v is Serialized {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Serialized).className === 'string' && 'config' in v;
}

/** Where a value sits, for errors: "layer 'lstm' (LSTM), recurrentActivation". */
type Where = string;

function activation(value: unknown, where: Where): string {
  const name = typeof value === 'string' ? value : isSerialized(value) ? value.className : String(value);
  const mapped = ACTIVATIONS[name];
  if (mapped) return mapped;
  const why = ACTIVATION_GAPS[name] ?? `tfjs-layers knows only ${Object.keys(ACTIVATIONS).join(', ')}`;
  throw new Error(`Cannot export ${where} = '${name}' to the tfjs-layers format: ${why}. Use an activation tfjs-layers has.`);
}

function initializer(value: Serialized, where: Where): Json {
  const className = INITIALIZERS[value.className];
  if (!className) {
    throw new Error(`Cannot export ${where} (${value.className}) to the tfjs-layers format: tfjs-layers has no such initializer (it has ${Object.keys(INITIALIZERS).join(', ')}).`);
  }
  const config = { ...value.config };
  // tfjs-layers' VarianceScaling draws 'normal' from a truncated normal and has no untruncated one.
  if (className === 'VarianceScaling' && config.distribution === 'untruncatedNormal') config.distribution = 'normal';
  return { class_name: className, config: pythonic(config, where) };
}

/** tfjs-layers' only regularizer class is L1L2. */
function regularizer(value: Serialized, where: Where): Json {
  if (!['L1', 'L2', 'L1L2'].includes(value.className)) {
    throw new Error(`Cannot export ${where} (${value.className}) to the tfjs-layers format: tfjs-layers has only L1, L2 and L1L2 regularizers.`);
  }
  const l1 = value.className === 'L2' ? 0 : Number(value.config.l1 ?? 0);
  const l2 = value.className === 'L1' ? 0 : Number(value.config.l2 ?? 0);
  return { class_name: 'L1L2', config: { l1, l2 } };
}

function constraint(value: Serialized, where: Where): Json {
  if (!CONSTRAINTS.has(value.className)) {
    throw new Error(`Cannot export ${where} (${value.className}) to the tfjs-layers format: tfjs-layers has only ${[...CONSTRAINTS].join(', ')}.`);
  }
  return { class_name: value.className, config: pythonic(value.config, where) };
}

/**
 * camelCase keys and string values -> snake_case (tfjs-layers camel-cases both back on load), leaf
 * objects -> their tfjs-layers classes, undefined -> null. `name` values are kept as they are.
 */
export function pythonic(value: unknown, where: Where, key = ''): unknown {
  if (value instanceof KerasJson) return value.json;
  if (value === undefined || value === null) return null;
  const at = key ? `${where}, ${key}` : where;
  if (/activation$/i.test(key)) return activation(value, at);
  if (isSerialized(value)) {
    if (/initializer$/i.test(key)) return initializer(value, at);
    if (/regularizer$/i.test(key)) return regularizer(value, at);
    if (/constraint$/i.test(key)) return constraint(value, at);
    return { class_name: value.className, config: pythonic(value.config, at) };
  }
  if (typeof value === 'string') return key === 'name' ? value : snakeCase(value);
  if (Array.isArray(value)) return value.map((v) => pythonic(v, where, key));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeCase(k), pythonic(v, where, k)]));
  }
  return value;
}
