// Staged backward against tfjs's own variableGrads: the same bits, each gradient handed over as
// soon as it is final (last layer first), nothing leaked, and backward waits for the callback.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradient functions, as libs/layers does
import { initBackend } from '../backend';
import { variableGradsStaged } from './staged-gradients';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A 3-layer tanh MLP whose first weight is also used again at the end (a shared weight). */
function mlp(tag: string) {
  const w1 = tf.variable(tf.randomNormal([4, 6], 0, 0.5, 'float32', 1), true, `w1_${tag}`);
  const b1 = tf.variable(tf.randomNormal([6], 0, 0.5, 'float32', 2), true, `b1_${tag}`);
  const w2 = tf.variable(tf.randomNormal([6, 5], 0, 0.5, 'float32', 3), true, `w2_${tag}`);
  const w3 = tf.variable(tf.randomNormal([5, 1], 0, 0.5, 'float32', 4), true, `w3_${tag}`);
  const unused = tf.variable(tf.zeros([2]), true, `unused_${tag}`);
  const x = tf.randomNormal([8, 4], 0, 1, 'float32', 5);
  const loss = () =>
    tf.tidy(() => {
      const h1 = tf.tanh(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.tanh(tf.matMul(h1, w2));
      return tf.add(tf.mean(tf.square(tf.matMul(h2, w3))), tf.mul(0.01, tf.sum(tf.square(w1)))) as tf.Scalar;
    });
  return { vars: [w1, b1, w2, w3, unused], x, loss };
}

it('gives variableGrads\' bits, hands each gradient over when final (last layer first), and leaks nothing', async () => {
  const { vars, x, loss } = mlp('a');
  const expected = tf.variableGrads(loss, vars);
  const before = tf.memory().numTensors;
  const order: string[] = [];
  const { value, grads } = await variableGradsStaged(loss, vars, async (i, grad) => {
    order.push(vars[i].name.split('_')[0]);
    expect(grad.isDisposed).toBe(false);
    await new Promise((resolve) => setImmediate(resolve)); // backward waits for this
  });
  expect(order).toEqual(['w3', 'w2', 'b1', 'w1']);
  expect(value.dataSync()[0]).toBe(expected.value.dataSync()[0]);
  vars.forEach((v, i) => {
    if (v.name.startsWith('unused')) {
      expect(grads[i]).toBeNull();
      return;
    }
    expect(Array.from(grads[i]!.dataSync())).toEqual(Array.from(expected.grads[v.name].dataSync()));
  });
  tf.dispose([value, ...grads.filter((g): g is tf.Tensor => g !== null)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([expected.value, ...Object.values(expected.grads), ...vars, x]);
});

it('disposes what it made when a callback throws', async () => {
  const { vars, x, loss } = mlp('b');
  const before = tf.memory().numTensors;
  await expect(
    variableGradsStaged(loss, vars, (i) => {
      if (vars[i].name.startsWith('w2')) throw new Error('all-reduce failed');
    }),
  ).rejects.toThrow('all-reduce failed');
  // Only the loss value (returned to nobody) may remain from the forward pass.
  expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1);
  tf.dispose([...vars, x]);
});

it('starts backward from lossGradient: the bits of variableGrads of lossGradient x loss, with the loss itself returned', async () => {
  const { vars, x, loss } = mlp('c');
  const trained = vars.slice(0, 4);
  const expected = tf.variableGrads(() => tf.mul(loss(), 0.375) as tf.Scalar, trained);
  const plain = loss();
  const { value, grads } = await variableGradsStaged(loss, trained, () => undefined, 0.375);
  expect(value.dataSync()[0]).toBe(plain.dataSync()[0]);
  trained.forEach((v, i) => expect(Array.from(grads[i]!.dataSync())).toEqual(Array.from(expected.grads[v.name].dataSync())));
  // Not the unweighted gradient: a seed that was ignored would fail here.
  const unweighted = tf.variableGrads(loss, trained);
  expect(grads[0]!.dataSync()[0]).not.toBe(unweighted.grads[trained[0].name].dataSync()[0]);
  tf.dispose([value, plain, expected.value, ...Object.values(expected.grads), unweighted.value, ...Object.values(unweighted.grads), ...grads.filter((g): g is tf.Tensor => g !== null), ...vars, x]);
});

it('goes straight on where the callback returns nothing: no other work runs between the hand-overs', async () => {
  const { vars, x, loss } = mlp('d');
  let otherWorkRan = false;
  const seen: boolean[] = [];
  void Promise.resolve().then(() => (otherWorkRan = true));
  const done = variableGradsStaged(loss, vars, () => void seen.push(otherWorkRan));
  // The whole backward ran within the call, before the microtask queued ahead of it.
  expect(seen).toEqual([false, false, false, false]);
  const { value, grads } = await done;
  tf.dispose([value, ...grads.filter((g): g is tf.Tensor => g !== null), ...vars, x]);
});
