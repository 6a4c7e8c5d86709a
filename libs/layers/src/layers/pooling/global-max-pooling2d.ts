import { registerLayer } from '../../engine/registry';
import { BaseGlobalPooling, type GlobalPoolingArgs } from './base-global-pooling';

/** Maximum over rows and columns: [batch, ..., channels] -> [batch, channels]. */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  static override className = 'GlobalMaxPooling2D';

  constructor(args: GlobalPoolingArgs = {}) {
    super(2, 'max', args);
  }
}
registerLayer(GlobalMaxPooling2D);

export const globalMaxPooling2d = (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling2D(args);
