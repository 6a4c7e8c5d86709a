import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Average pooling over 2 spatial axises (channels last). */
export class AveragePooling2D extends BasePooling {
  static override className = 'AveragePooling2D';

  constructor(args: PoolingArgs = {}) {
    super(2, 'avg', args);
  }
}
registerLayer(AveragePooling2D);

export const averagePooling2d = (args: PoolingArgs = {}) => new AveragePooling2D(args);
