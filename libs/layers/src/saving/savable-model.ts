import type { Layer, Node } from '../engine/layer';
import type { CompiledModel } from '../training/compile';

/**
 * A model as saving sees it (describeModel too): a layer with its own layers and call graph (what
 * the tfjs-layers export walks) and its compiled optimizer. models/model.ts's Model implements it;
 * nothing in saving imports Model (loadModel, which rebuilds one, is in models/load-model.ts).
 */
export interface SavableModel extends Layer {
  readonly compiled: CompiledModel | null;
  readonly layers: Layer[];
  readonly graphNodes: readonly Node[];
  getLayer(name: string): Layer;
}
