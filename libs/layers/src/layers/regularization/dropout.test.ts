import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Dropout } from './dropout';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Dropout', () => {
  it('is the identity at inference', () => {
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 2);
    runLayerTest({ layer: () => new Dropout({ rate: 0.5 }), inputs: x, expectedOutputShape: [3, 5] });
    const y = new Dropout({ rate: 0.5 }).apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
  });

  it('drops about `rate` of the inputs in training, scales the rest, and replays a seed', () => {
    const x = tf.ones([100, 100]);
    const a = new Dropout({ rate: 0.2, seed: 42 });
    const y1 = (a.apply(x, { training: true }) as tf.Tensor).dataSync();
    const y2 = (a.apply(x, { training: true }) as tf.Tensor).dataSync();
    const kept = y1.filter((v) => v !== 0);
    expect(kept.length / y1.length).toBeGreaterThan(0.77);
    expect(kept.length / y1.length).toBeLessThan(0.83);
    expect(kept.every((v) => Math.abs(v - 1.25) < 1e-6)).toBe(true);
    expect(Array.from(y1)).not.toEqual(Array.from(y2)); // a fresh mask each step
    const b = new Dropout({ rate: 0.2, seed: 42 });
    expect(Array.from((b.apply(x, { training: true }) as tf.Tensor).dataSync())).toEqual(Array.from(y1));
  });

  it('names a bad rate', () => {
    expect(() => new Dropout({ rate: 1.5 })).toThrow('Received: rate=1.5');
  });
});
