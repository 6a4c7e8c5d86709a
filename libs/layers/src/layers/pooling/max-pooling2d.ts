import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Max pooling over 2 spatial axises (channels last). */
export class MaxPooling2D extends BasePooling {
  static override className = 'MaxPooling2D';

  constructor(args: PoolingArgs = {}) {
    super(2, 'max', args);
  }
}
registerLayer(MaxPooling2D);

export const maxPooling2d = (args: PoolingArgs = {}) => new MaxPooling2D(args);
