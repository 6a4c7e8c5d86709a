import { registerLayer } from '../../engine/registry';
import { BaseGlobalPooling, type GlobalPoolingArgs } from './base-global-pooling';

/** Mean over rows and columns: [batch, ..., channels] -> [batch, channels]. */
export class GlobalAveragePooling2D extends BaseGlobalPooling {
  static override className = 'GlobalAveragePooling2D';

  constructor(args: GlobalPoolingArgs = {}) {
    super(2, 'avg', args);
  }
}
registerLayer(GlobalAveragePooling2D);

export const globalAveragePooling2d = (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling2D(args);
