import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { FlatLayout } from './flat-buffer';

function sampleTensors(): tf.NamedTensorMap {
  return {
    'dense/kernel': tf.tensor2d([[1, 2, 3], [4, 5, 6]]),
    'dense/bias': tf.tensor1d([7, 8, 9]),
    scale: tf.scalar(10),
    empty: tf.zeros([0, 4]),
    'embedding/embeddings': tf.tensor3d([11, 12, 13, 14], [1, 2, 2]),
  };
}

describe.each(['cpu', 'wasm'])('FlatLayout on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('lays tensors end to end in the given order and unpacks them back', () => {
    const tensors = sampleTensors();
    const layout = FlatLayout.of(tensors);
    expect(layout.entries.map((e) => [e.name, e.offset, e.size])).toEqual([
      ['dense/kernel', 0, 6],
      ['dense/bias', 6, 3],
      ['scale', 9, 1],
      ['empty', 10, 0],
      ['embedding/embeddings', 10, 4],
    ]);
    const flat = layout.pack(tensors);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const back = layout.unpack(flat);
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].shape).toEqual(t.shape);
      expect(back[name].dtype).toBe('float32');
      expect(Array.from(back[name].dataSync())).toEqual(Array.from(t.dataSync()));
    }
    tf.dispose([tensors, back]);
  });

  it('aligned: each tensor starts at a multiple of alignFloats, the gaps zero', () => {
    const tensors = sampleTensors();
    const layout = new FlatLayout(FlatLayout.of(tensors).entries, { alignFloats: 4 });
    expect(layout.entries.map((e) => [e.name, e.offset])).toEqual([
      ['dense/kernel', 0],
      ['dense/bias', 8],
      ['scale', 12],
      ['empty', 16],
      ['embedding/embeddings', 16],
    ]);
    expect(layout.size).toBe(20);
    const flat = layout.pack(tensors, layout.allocate({ shared: true }));
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 0, 10, 0, 0, 0, 11, 12, 13, 14]);
    const back = layout.unpack(flat);
    expect(Array.from(back['embedding/embeddings'].dataSync())).toEqual([11, 12, 13, 14]);
    expect(() => new FlatLayout([], { alignFloats: 0 })).toThrow('alignFloats must be a positive integer. Received: 0');
    tf.dispose([tensors, back]);
  });

  it('packs into an existing (shared) buffer and reads views of it', () => {
    const tensors = sampleTensors();
    const layout = FlatLayout.of(tensors);
    const buffer = layout.allocate({ shared: true });
    expect(buffer.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(layout.pack(tensors, buffer)).toBe(buffer);
    const views = layout.views(buffer);
    expect(Array.from(views['dense/bias'])).toEqual([7, 8, 9]);
    views['dense/bias'][1] = -1; // a view writes through to the buffer
    expect(buffer[7]).toBe(-1);
    tf.dispose(tensors);
  });

  it('unpacks copies: later writes to the buffer leave the tensors unchanged', () => {
    const layout = new FlatLayout([{ name: 'w', shape: [2] }]);
    const buffer = Float32Array.of(1, 2);
    const { w } = layout.unpack(buffer);
    buffer[0] = 99;
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    w.dispose();
  });

  it('leaks no tensor over many pack/unpack rounds', () => {
    const tensors = sampleTensors();
    const layout = FlatLayout.of(tensors);
    const buffer = layout.allocate();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) {
      layout.pack(tensors, buffer);
      tf.dispose(layout.unpack(buffer));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(tensors);
  });
});

describe('FlatLayout errors and transport', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is rebuilt identically from its entries (as sent in a message)', () => {
    const tensors = sampleTensors();
    const layout = FlatLayout.of(tensors);
    const copy = new FlatLayout(JSON.parse(JSON.stringify(layout.entries)));
    expect(copy.entries).toEqual(layout.entries);
    expect(copy.size).toBe(14);
    expect(copy.entry('scale').offset).toBe(9);
    tf.dispose(tensors);
  });

  it('names what is wrong', () => {
    const layout = new FlatLayout([{ name: 'w', shape: [2, 2] }]);
    expect(() => new FlatLayout([{ name: 'a', shape: [1] }, { name: 'a', shape: [2] }])).toThrow(/'a' appears twice/);
    expect(() => new FlatLayout([{ name: 'a', shape: [-1] }])).toThrow(/Received: shape=\[-1\]/);
    expect(() => layout.pack({})).toThrow(/'w' is missing/);
    expect(() => layout.pack({ w: tf.zeros([4]) })).toThrow(/shape \[2,2\]. Received: shape=\[4\]/);
    expect(() => layout.pack({ w: tf.zeros([2, 2], 'int32') })).toThrow(/float32. Received: dtype=int32/);
    expect(() => layout.pack({ w: tf.zeros([2, 2]) }, new Float32Array(3))).toThrow(/hold 4 floats.*Received: length=3/);
    expect(() => layout.entry('v')).toThrow(/no tensor named 'v'/);
  });
});
