import * as tf from '@tensorflow/tfjs-core';

/** A named tensor as plain data: what travels to workers and into weight files. */
export interface WeightValue {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

export interface NamedTensorLike {
  name: string;
  tensor: tf.Tensor;
}

export function toWeightValues(named: NamedTensorLike[]): WeightValue[] {
  return named.map(({ name, tensor }) => {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new Error(`Weight '${name}' has dtype ${tensor.dtype}; only float32 and int32 weights can be saved.`);
    }
    return { name, shape: tensor.shape, dtype: tensor.dtype, values: tensor.dataSync().slice() as Float32Array | Int32Array };
  });
}

export function toNamedTensors(values: WeightValue[]): NamedTensorLike[] {
  return values.map((v) => ({ name: v.name, tensor: tf.tensor(v.values, v.shape, v.dtype) }));
}

/** The model's weights (all of them, in `weights` order), as plain data. */
export function getWeightValues(model: { weights: { name: string; read(): tf.Tensor }[] }): WeightValue[] {
  return toWeightValues(model.weights.map((w) => ({ name: w.name, tensor: w.read() })));
}

/** Assigns weights by name; every model weight must be present with its shape. */
export function setWeightValues(model: { name: string; weights: { name: string; shape: number[]; assign(v: tf.Tensor): void }[] }, values: WeightValue[]): void {
  const byName = new Map(values.map((v) => [v.name, v]));
  for (const w of model.weights) {
    const v = byName.get(w.name);
    if (!v) {
      throw new Error(`No saved value for weight '${w.name}' of model '${model.name}'. Saved weights: ${values.map((x) => x.name).join(', ')}`);
    }
    if (!tf.util.arraysEqual(v.shape, w.shape)) {
      throw new Error(`Saved weight '${w.name}' has shape [${v.shape}], the model's has [${w.shape}].`);
    }
    const t = tf.tensor(v.values, v.shape, v.dtype);
    w.assign(t);
    t.dispose();
  }
}

/** Packs weight values into one buffer plus a manifest of offsets (bytes). */
export function packWeights(values: WeightValue[]): { manifest: { name: string; shape: number[]; dtype: string; offset: number }[]; data: Buffer } {
  let offset = 0;
  const manifest = values.map((v) => {
    const entry = { name: v.name, shape: v.shape, dtype: v.dtype, offset };
    offset += v.values.byteLength;
    return entry;
  });
  const data = Buffer.alloc(offset);
  values.forEach((v, i) => Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength).copy(data, manifest[i].offset));
  return { manifest, data };
}

export function unpackWeights(manifest: { name: string; shape: number[]; dtype: string; offset: number }[], data: Buffer): WeightValue[] {
  return manifest.map((m) => {
    const size = m.shape.reduce((a, b) => a * b, 1);
    const bytes = data.subarray(m.offset, m.offset + size * 4);
    if (bytes.length !== size * 4) throw new Error(`Weight file is truncated: '${m.name}' needs ${size * 4} bytes at offset ${m.offset}.`);
    const copy = new Uint8Array(bytes).buffer;
    const values = m.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    return { name: m.name, shape: m.shape, dtype: m.dtype as 'float32' | 'int32', values };
  });
}
