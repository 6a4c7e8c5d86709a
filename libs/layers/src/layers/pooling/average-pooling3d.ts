import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Average pooling over 3 spatial axises (channels last). */
export class AveragePooling3D extends BasePooling {
  static override className = 'AveragePooling3D';

  constructor(args: PoolingArgs = {}) {
    super(3, 'avg', args);
  }
}
registerLayer(AveragePooling3D);

export const averagePooling3d = (args: PoolingArgs = {}) => new AveragePooling3D(args);
