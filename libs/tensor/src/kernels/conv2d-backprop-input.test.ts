import * as tf from '@tensorflow/tfjs-core';
import { setIm2ColBlockFloats } from './conv-geometry';
import { convCases, dilateFilter, type ConvCase } from './conv-test-cases';
import { expectWasmMatchesCpu, maxRelativeError, randomValues, runOn } from './kernel-test-utils';

function dyShapeOf(c: ConvCase, dilations: [number, number] = [1, 1]): number[] {
  const nhwc = c.dataFormat === 'NCHW' ? [c.x[0], c.x[2], c.x[3], c.x[1]] : c.x;
  const info = tf.backend_util.computeConv2DInfo(nhwc as [number, number, number, number], c.filter, c.strides, dilations, c.pad);
  return c.dataFormat === 'NCHW' ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth] : info.outShape;
}

function inputGrad(c: ConvCase, seed: number, extra: Record<string, unknown> = {}, dyShape = dyShapeOf(c)) {
  return (filterOf: (f: tf.Tensor4D) => tf.Tensor4D = (f) => f) => () => {
    const filter = filterOf(tf.tensor4d(randomValues(tf.util.sizeFromShape(c.filter), seed), c.filter));
    const dy = tf.tensor(randomValues(tf.util.sizeFromShape(dyShape), seed + 1), dyShape);
    return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? 'NHWC',
      inputShape: c.x,
      ...extra,
    }) as tf.Tensor;
  };
}

describe('Conv2DBackpropInput on wasm', () => {
  convCases.forEach((c, i) => {
    it(`matches cpu: ${c.name}, x [${c.x}], filter [${c.filter}]`, async () => {
      await expectWasmMatchesCpu(inputGrad(c, 20 + i)());
    });
  });

  it('gives the same result when images are split into several blocks', async () => {
    const c = convCases[4];
    const whole = await runOn('wasm', inputGrad(c, 5)());
    const previous = setIm2ColBlockFloats(1);
    try {
      const blocked = await runOn('wasm', inputGrad(c, 5)());
      expect(maxRelativeError(blocked[0], whole[0])).toBe(0);
    } finally {
      setIm2ColBlockFloats(previous);
    }
  });

  it('supports dilations (equal to the undilated kernel with a zero-dilated filter)', async () => {
    const c: ConvCase = { name: 'dilated', x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: 1, pad: 'same' };
    const dilations: [number, number] = [2, 3];
    const dyShape = dyShapeOf(c, dilations);
    const [dilated] = await runOn('wasm', inputGrad(c, 9, { dilations }, dyShape)());
    const effective: ConvCase = { ...c, filter: [5, 4, 3, 4] };
    const [expected] = await runOn('cpu', inputGrad({ ...effective, filter: c.filter }, 9, {}, dyShape)((f) => dilateFilter(f, dilations)));
    expect(maxRelativeError(dilated, expected)).toBeLessThan(1e-4);
  });

  it('gives the input gradient of conv1d and conv2d through tf.grad', async () => {
    const w1 = randomValues(3 * 4 * 6, 2);
    const x1 = randomValues(2 * 15 * 4, 1);
    await expectWasmMatchesCpu(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.conv1d(x as tf.Tensor3D, tf.tensor3d(w1, [3, 4, 6]), 2, 'same'))))(tf.tensor3d(x1, [2, 15, 4])),
    );
    const w2 = randomValues(2 * 3 * 3 * 2, 4);
    const x2 = randomValues(2 * 7 * 5 * 3, 3);
    await expectWasmMatchesCpu(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, tf.tensor4d(w2, [2, 3, 3, 2]), [2, 1], 'valid')))(tf.tensor4d(x2, [2, 7, 5, 3])),
    );
  });
});
