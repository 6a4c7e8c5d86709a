import type { Layer } from '../engine/layer';
import type { CompiledModel } from '../training/compile';

/**
 * A model as saving sees it (and describeModel, which ships one to workers): its class and config,
 * its weights and its compiled optimizer. models/model.ts's Model implements it; saving does not
 * import Model (loadModel, which rebuilds one, is in models/load-model.ts).
 */
export interface SavableModel extends Pick<Layer, 'name' | 'built' | 'weights' | 'getClassName' | 'getConfig'> {
  readonly compiled: CompiledModel | null;
}
