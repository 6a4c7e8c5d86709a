import { Adam, type AdamArgs } from './adam';

/** Adam with decoupled weight decay (Keras 3 default weightDecay 0.004). */
export class AdamW extends Adam {
  static override className = 'AdamW';

  constructor(args: AdamArgs = {}) {
    super({ ...args, weightDecay: args.weightDecay ?? 0.004 }, { learningRate: 0.001, name: 'adamw' });
    if (!this.weightDecay) {
      throw new Error('AdamW needs a positive weightDecay. Received: weightDecay=' + this.weightDecay + '; use Adam for none.');
    }
  }
}

export const adamw = (args?: AdamArgs) => new AdamW(args);
