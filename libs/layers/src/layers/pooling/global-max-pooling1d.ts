import { registerLayer } from '../../engine/registry';
import { BaseGlobalPooling, type GlobalPoolingArgs } from './base-global-pooling';

/** Maximum over the steps, honouring a mask: [batch, ..., channels] -> [batch, channels]. */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  static override className = 'GlobalMaxPooling1D';

  constructor(args: GlobalPoolingArgs = {}) {
    super(1, 'max', args);
  }
}
registerLayer(GlobalMaxPooling1D);

export const globalMaxPooling1d = (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling1D(args);
