import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { deserializeLayer, serializeLayer } from '../../engine/registry';
import { SpatialDropout1D } from './spatial-dropout1d';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('SpatialDropout1D', () => {
  it('drops whole channels (the same for every step) when training, scaled by 1/(1-rate)', () => {
    const layer = new SpatialDropout1D({ rate: 0.5, seed: 3 });
    const x = tf.ones([4, 6, 8]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const values = y.arraySync() as number[][][];
    let dropped = 0;
    for (const sample of values) {
      for (let c = 0; c < 8; c++) {
        const column = sample.map((step) => step[c]);
        expect(new Set(column).size).toBe(1);
        expect([0, 2]).toContain(column[0]);
        if (column[0] === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(32);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync()).every((v) => v === 1)).toBe(true);
  });

  it('round-trips its config, passes masks, rejects bad rates', () => {
    const layer = new SpatialDropout1D({ rate: 0.3 });
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(layer))));
    expect(copy.getConfig()).toEqual({ ...layer.getConfig(), name: copy.name });
    expect(layer.getConfig().noiseShape).toBeUndefined();
    const mask = tf.tensor2d([[1, 0]], [1, 2], 'bool');
    expect(layer.invoke(tf.ones([1, 2, 3]), { mask }).mask).toBe(mask);
    expect(() => new SpatialDropout1D({ rate: 1 })).toThrow('Received: rate=1');
    expect(() => layer.apply(tf.ones([2, 3]))).toThrow(/expected rank 3/);
  });
});
