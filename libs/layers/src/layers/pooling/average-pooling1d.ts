import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Average pooling over 1 spatial axis (channels last). */
export class AveragePooling1D extends BasePooling {
  static override className = 'AveragePooling1D';

  constructor(args: PoolingArgs = {}) {
    super(1, 'avg', args);
  }
}
registerLayer(AveragePooling1D);

export const averagePooling1d = (args: PoolingArgs = {}) => new AveragePooling1D(args);
