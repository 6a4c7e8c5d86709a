import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Max pooling over 3 spatial axises (channels last). */
export class MaxPooling3D extends BasePooling {
  static override className = 'MaxPooling3D';

  constructor(args: PoolingArgs = {}) {
    super(3, 'max', args);
  }
}
registerLayer(MaxPooling3D);

export const maxPooling3d = (args: PoolingArgs = {}) => new MaxPooling3D(args);
