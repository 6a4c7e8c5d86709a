import * as tf from '@tensorflow/tfjs-core';

export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
}

/** Shapes the conv-gradient kernels are checked on: size-1 and odd dims, every padding kind, strides, NCHW. */
export const convCases: ConvCase[] = [
  { name: 'all size 1', x: [1, 1, 1, 1], filter: [1, 1, 1, 1], strides: 1, pad: 'valid' },
  { name: 'same, stride [2,1]', x: [2, 5, 7, 3], filter: [3, 2, 3, 4], strides: [2, 1], pad: 'same' },
  { name: 'conv1d-like valid, stride 2', x: [3, 1, 9, 5], filter: [1, 3, 5, 7], strides: [1, 2], pad: 'valid' },
  { name: 'conv1d-like same, odd length', x: [2, 1, 13, 3], filter: [1, 4, 3, 5], strides: 1, pad: 'same' },
  {
    name: 'explicit padding, stride [1,3]',
    x: [2, 6, 5, 2],
    filter: [2, 3, 2, 3],
    strides: [1, 3],
    pad: [[0, 0], [1, 2], [2, 0], [0, 0]],
  },
  { name: 'numeric padding, stride 2', x: [1, 7, 7, 1], filter: [3, 3, 1, 2], strides: 2, pad: 1 },
  { name: 'filter wider than stride steps', x: [2, 4, 4, 3], filter: [4, 4, 3, 1], strides: 3, pad: 'same' },
  { name: 'NCHW', x: [2, 3, 5, 6], filter: [2, 2, 3, 4], strides: 1, pad: 'same', dataFormat: 'NCHW' },
];

/** The filter with (d-1) zeros between taps: a dilated conv is an undilated conv with this filter. */
export function dilateFilter(filter: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const values = filter.arraySync();
  const out = tf.buffer([(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]);
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let c = 0; c < ci; c++) for (let d = 0; d < co; d++) out.set(values[a][b][c][d], a * dh, b * dw, c, d);
  return out.toTensor() as tf.Tensor4D;
}
