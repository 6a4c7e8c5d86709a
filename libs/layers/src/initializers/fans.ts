/**
 * Keras's fan computation: a 2-D kernel is [fanIn, fanOut]; for a convolution kernel
 * [...receptiveField, inChannels, outChannels] both are multiplied by the receptive field size.
 */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: shape[shape.length - 2] * receptiveField,
    fanOut: shape[shape.length - 1] * receptiveField,
  };
}
