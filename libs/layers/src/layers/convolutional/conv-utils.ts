/** Helpers shared by the convolution and pooling layers (channels-last only). */

export type Padding = 'valid' | 'same' | 'causal';

/** A size given as one number or one per spatial axis -> one per spatial axis, checked. */
export function normalizeTuple(value: number | number[], rank: number, arg: string, owner: string): number[] {
  const list = typeof value === 'number' ? Array.from({ length: rank }, () => value) : value;
  if (!Array.isArray(list) || list.length !== rank || list.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(
      `${owner}: \`${arg}\` must be a positive integer or a list of ${rank} positive integers. Received: ${arg}=${JSON.stringify(value)}`,
    );
  }
  return list;
}

/** Output length of a convolution or pooling along one axis, as Keras computes it (null stays null). */
export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: Padding,
  stride: number,
  dilation = 1,
): number | null {
  if (length === null) return null;
  const dilatedKernel = kernel + (kernel - 1) * (dilation - 1);
  const out = padding === 'valid' ? length - dilatedKernel + 1 : length;
  return Math.max(0, Math.floor((out + stride - 1) / stride));
}

/** Keras accepts channels_last / channelsLast; only that layout is implemented. */
export function checkDataFormat(value: unknown, owner: string): 'channelsLast' {
  if (value === undefined || value === 'channelsLast' || value === 'channels_last') return 'channelsLast';
  throw new Error(`${owner}: only dataFormat 'channelsLast' is supported. Received: dataFormat=${JSON.stringify(value)}`);
}
