import * as tf from '@tensorflow/tfjs-core';
import { setIm2ColBlockFloats } from './conv-geometry';
import { convCases } from './conv-test-cases';
import { expectWasmMatchesCpu, maxRelativeError, randomValues, runOn } from './kernel-test-utils';

function outShape(c: (typeof convCases)[number], dilations: [number, number] = [1, 1]): number[] {
  const nhwc = c.dataFormat === 'NCHW' ? [c.x[0], c.x[2], c.x[3], c.x[1]] : c.x;
  const info = tf.backend_util.computeConv2DInfo(nhwc as [number, number, number, number], c.filter, c.strides, dilations, c.pad);
  return c.dataFormat === 'NCHW' ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth] : info.outShape;
}

function filterGrad(c: (typeof convCases)[number], seed: number, extra: Record<string, unknown> = {}, dyShape = outShape(c)) {
  return () => {
    const x = tf.tensor(randomValues(tf.util.sizeFromShape(c.x), seed), c.x);
    const dy = tf.tensor(randomValues(tf.util.sizeFromShape(dyShape), seed + 1), dyShape);
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? 'NHWC',
      filterShape: c.filter,
      ...extra,
    }) as tf.Tensor;
  };
}

describe('Conv2DBackpropFilter on wasm', () => {
  convCases.forEach((c, i) => {
    it(`matches cpu: ${c.name}, x [${c.x}], filter [${c.filter}]`, async () => {
      await expectWasmMatchesCpu(filterGrad(c, 10 + i));
    });
  });

  it('gives zeros for an empty batch', async () => {
    const c = { name: 'empty', x: [0, 4, 4, 2], filter: [2, 2, 2, 3], strides: 1, pad: 'valid' } as (typeof convCases)[number];
    const [dw] = await runOn('wasm', filterGrad(c, 3));
    expect(Array.from(dw)).toEqual(new Array(24).fill(0));
  });

  it('accumulates over images split into several im2col blocks', async () => {
    const c = convCases[1];
    const whole = await runOn('wasm', filterGrad(c, 5));
    const previous = setIm2ColBlockFloats(1);
    try {
      const blocked = await runOn('wasm', filterGrad(c, 5));
      expect(maxRelativeError(blocked[0], whole[0])).toBeLessThan(1e-5);
    } finally {
      setIm2ColBlockFloats(previous);
    }
  });

  it('supports dilations (an attribute tfjs does not pass; equal to the undilated grad at the dilated taps)', async () => {
    const c = { name: 'dilated', x: [2, 5, 11, 3], filter: [2, 3, 3, 2], strides: 1, pad: 'same' } as (typeof convCases)[number];
    const dilations: [number, number] = [2, 3];
    const effective = { ...c, filter: [3, 7, 3, 2] as [number, number, number, number] };
    const dyShape = outShape(c, dilations);
    const [dilated] = await runOn('wasm', filterGrad(c, 7, { dilations }, dyShape));
    const [full] = await runOn('cpu', filterGrad(effective, 7, {}, dyShape));
    const fullGrad = tf.tensor(full, effective.filter);
    const taps = tf.tidy(() => tf.stridedSlice(fullGrad, [0, 0, 0, 0], effective.filter, [2, 3, 1, 1]));
    expect(maxRelativeError(dilated, taps.dataSync())).toBeLessThan(1e-4);
    tf.dispose([fullGrad, taps]);
  });

  it('gives the filter gradient of conv1d and conv2d through tf.grad', async () => {
    const x1 = randomValues(3 * 17 * 4, 1);
    const w1 = randomValues(3 * 4 * 6, 2);
    await expectWasmMatchesCpu(() =>
      tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv1d(tf.tensor3d(x1, [3, 17, 4]), w as tf.Tensor3D, 2, 'same'))))(tf.tensor3d(w1, [3, 4, 6])),
    );
    const x2 = randomValues(2 * 6 * 5 * 3, 3);
    const w2 = randomValues(3 * 3 * 3 * 2, 4);
    await expectWasmMatchesCpu(() =>
      tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.tensor4d(x2, [2, 6, 5, 3]), w as tf.Tensor4D, 1, 'valid')))(tf.tensor4d(w2, [3, 3, 3, 2])),
    );
  });
});
