// Row-only updates from a gradient with declared touched rows: the dense update's bits, on both backends.
import { initBackend, tf } from '@weft/tensor';
import { maxNorm } from '../constraints';
import { adagrad, adam, declareTouchedRows, rmsprop, sgd, touchedRowsOf, type Optimizer, type OptimizerTarget } from './index';
import { distinctRows } from './touched-rows';

const ROWS = 40;
const COLS = 6;
const TOUCHED = [[1, 2, 17, 39], [0, 17, 18], [], [5, 6, 7, 8, 9, 10, 11, 12, 13]];

let unique = 0;
function target(constraint: OptimizerTarget['constraint'] = null): OptimizerTarget {
  return { name: 'embedding/embeddings', variable: tf.variable(tf.randomNormal([ROWS, COLS], 0, 1, 'float32', 3), true, `rows${unique++}`), constraint };
}

/** A gradient nonzero in `rows` only (and -0 in one element, which must survive as in the dense update). */
function rowGradient(rows: number[], seed: number): tf.Tensor2D {
  const values = tf.randomNormal([ROWS, COLS], 0, 1, 'float32', seed).dataSync() as Float32Array;
  const out = new Float32Array(ROWS * COLS);
  for (const r of rows) out.set(values.subarray(r * COLS, (r + 1) * COLS), r * COLS);
  if (rows.length > 0) out[rows[0] * COLS] = -0;
  return tf.tensor2d(out, [ROWS, COLS]);
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** Trains a weight densely and a twin from declared rows; returns both weights' and states' bits. */
function trainBoth(make: () => Optimizer, constraint: OptimizerTarget['constraint'] = null) {
  const [dense, sparse] = [make(), make()];
  const [a, b] = [target(constraint), target(constraint)];
  TOUCHED.forEach((rows, step) => {
    const g = rowGradient(rows, 10 + step);
    dense.applyGradients([g], [a]);
    const declared = declareTouchedRows(tf.clone(g), Int32Array.from(rows));
    sparse.applyGradients([declared], [b]);
    tf.dispose([g, declared]);
  });
  const state = (o: Optimizer) => o.getWeights().slice(1).map((w) => ({ name: w.name, bits: bits(w.tensor) }));
  return { dense: { weight: bits(a.variable), state: state(dense) }, sparse: { weight: bits(b.variable), state: state(sparse) } };
}

describe.each(['cpu', 'wasm'] as const)('optimizers from declared touched rows (%s backend)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([
    ['SGD', () => sgd({ learningRate: 0.1 })],
    ['SGD with weight decay', () => sgd({ learningRate: 0.1, weightDecay: 0.01 })],
    ['Adagrad', () => adagrad({ learningRate: 0.1 })],
    ['Adagrad, no initial accumulator', () => adagrad({ learningRate: 0.1, initialAccumulatorValue: 0 })],
    ['Adam (dense: moments decay in every row)', () => adam({ learningRate: 0.1 })],
    ['RMSprop (dense)', () => rmsprop({ learningRate: 0.1 })],
    ['SGD with momentum (dense)', () => sgd({ learningRate: 0.1, momentum: 0.9 })],
    ['SGD clipped by norm (dense)', () => sgd({ learningRate: 0.1, clipnorm: 0.5 })],
  ])('%s: the same weights and optimizer state, bit for bit', (_name, make) => {
    const { dense, sparse } = trainBoth(make);
    expect(sparse.weight).toEqual(dense.weight);
    expect(sparse.state).toEqual(dense.state);
  });

  it('applies the constraint to every row after a row-only update', () => {
    const { dense, sparse } = trainBoth(() => sgd({ learningRate: 0.5 }), maxNorm({ maxValue: 0.8, axis: 1 }));
    expect(sparse.weight).toEqual(dense.weight);
  });

  it('updates only the declared rows (SGD), and every row for Adam', () => {
    const g = tf.ones([ROWS, COLS]);
    for (const [make, changed] of [[() => sgd({ learningRate: 0.1 }), 2], [() => adam({ learningRate: 0.1 }), ROWS]] as const) {
      const t = target();
      const before = t.variable.arraySync() as number[][];
      const declared = declareTouchedRows(tf.clone(g), Int32Array.from([3, 30]));
      make().applyGradients([declared], [t]);
      const after = t.variable.arraySync() as number[][];
      expect(after.filter((row, i) => row.some((v, j) => v !== before[i][j])).length).toBe(changed);
      tf.dispose([declared, t.variable]);
    }
    g.dispose();
  });
});

describe('declareTouchedRows', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('remembers the rows of that tensor only', () => {
    const g = tf.zeros([4, 2]);
    expect(touchedRowsOf(g)).toBeNull();
    declareTouchedRows(g, Int32Array.from([1, 3]));
    expect(Array.from(touchedRowsOf(g)!)).toEqual([1, 3]);
    expect(touchedRowsOf(tf.clone(g))).toBeNull();
  });

  it('refuses a gradient that is not 2-D and rows out of range', () => {
    expect(() => declareTouchedRows(tf.zeros([4]), Int32Array.from([1]))).toThrow(/needs a 2-D gradient. Received: shape=\[4\]/);
    expect(() => declareTouchedRows(tf.zeros([4, 2]), Int32Array.from([1, 4]))).toThrow(/rows must lie in \[0, 4\)/);
  });
});

describe('distinctRows', () => {
  it('gives the distinct ids within the table, ascending, for few ids in a large table (sorted) and many in a small one (marked)', () => {
    const ids = [9, 3, 3, -1, 0, 9, 12, 4];
    // 8 ids, 10 rows: marked; 8 ids, 100 rows: sorted. 12 and -1 lie outside a table of 10 rows.
    expect(Array.from(distinctRows(ids, 10))).toEqual([0, 3, 4, 9]);
    expect(Array.from(distinctRows(ids, 100))).toEqual([0, 3, 4, 9, 12]);
    expect(Array.from(distinctRows([], 100))).toEqual([]);
    expect(Array.from(distinctRows(new Int32Array([5, 5, 5]), 6))).toEqual([5]);
  });
});
