import { registerLayer } from '../../engine/registry';
import { BasePooling, type PoolingArgs } from './base-pooling';

/** Max pooling over 1 spatial axis (channels last). */
export class MaxPooling1D extends BasePooling {
  static override className = 'MaxPooling1D';

  constructor(args: PoolingArgs = {}) {
    super(1, 'max', args);
  }
}
registerLayer(MaxPooling1D);

export const maxPooling1d = (args: PoolingArgs = {}) => new MaxPooling1D(args);
