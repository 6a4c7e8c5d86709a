import { registerLayer } from '../../engine/registry';
import { BaseGlobalPooling, type GlobalPoolingArgs } from './base-global-pooling';

/** Mean over the steps, honouring a mask: [batch, ..., channels] -> [batch, channels]. */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  static override className = 'GlobalAveragePooling1D';

  constructor(args: GlobalPoolingArgs = {}) {
    super(1, 'avg', args);
  }
}
registerLayer(GlobalAveragePooling1D);

export const globalAveragePooling1d = (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling1D(args);
