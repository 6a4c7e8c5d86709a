import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { isShapeList, shapeToString, type Shape } from '../../engine/shape';

/** Broadcasts two shapes (numpy rules, null = unknown); throws naming the layer when incompatible. */
function broadcastShapes(a: Shape, b: Shape, layerName: string): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === null || db === null) out.push(da ?? db);
    else if (da === db) out.push(da);
    else {
      throw new Error(`Layer '${layerName}' cannot merge inputs of shapes ${shapeToString(a)} and ${shapeToString(b)}: sizes ${da} and ${db} on axis ${i} differ`);
    }
  }
  return out;
}

/** Base of the element-wise merge layers (Add, Multiply, ...): a list of inputs, broadcast together. */
export abstract class Merge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  protected minInputs = 2;
  protected maxInputs = Infinity;

  protected checkInputs(shapes: Shape[] | Shape): Shape[] {
    if (!isShapeList(shapes) || shapes.length < this.minInputs || shapes.length > this.maxInputs) {
      const n = isShapeList(shapes) ? shapes.length : 1;
      const want = this.maxInputs === this.minInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      throw new Error(`A ${this.getClassName()} layer should be called on a list of ${want} inputs. Received: ${n} input(s)`);
    }
    return shapes;
  }

  /** Count and shape compatibility, checked on every call (eager or symbolic). */
  protected override assertInputCompatibility(shapes: Shape[], dtypes: tf.DataType[]): void {
    super.assertInputCompatibility(shapes, dtypes);
    this.computeOutputShape(shapes);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.checkInputs(inputShape).reduce((a, b) => broadcastShapes(a, b, this.name));
  }

  /** Combines the inputs (already a checked list). */
  protected abstract merge(inputs: tf.Tensor[]): tf.Tensor;

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    return tf.tidy(() => this.merge(list));
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const masks = (Array.isArray(mask) ? mask : [mask ?? null]).filter((m): m is tf.Tensor => m !== null);
    if (masks.length === 0) return null;
    return tf.tidy(() => masks.reduce((a, b) => tf.logicalAnd(a, b)));
  }
}
