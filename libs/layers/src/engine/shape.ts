/** A tensor shape as layers see it: null marks an unknown size (usually the batch). */
export type Shape = (number | null)[];

/** True when `s` is a list of shapes rather than one shape. */
export function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

export function shapeToString(s: Shape | Shape[] | readonly number[]): string {
  if (isShapeList(s as Shape | Shape[])) return `[${(s as Shape[]).map(shapeToString).join(', ')}]`;
  return `[${(s as Shape).map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** The one shape of a single-input layer; a clear error when given several. */
export function singleShape(s: Shape | Shape[], layerName: string): Shape {
  if (isShapeList(s)) {
    if (s.length !== 1) {
      throw new Error(`Layer '${layerName}' expects one input. Received: ${s.length} inputs with shapes ${shapeToString(s)}`);
    }
    return s[0];
  }
  return s;
}

/** Number of elements of a fully known shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Concrete dimensions: throws naming the layer when a dimension other than the batch is unknown. */
export function knownDims(shape: Shape, what: string): number[] {
  return shape.map((d, i) => {
    if (d === null) throw new Error(`${what} needs a known size on axis ${i}. Received: shape=${shapeToString(shape)}`);
    return d;
  });
}
