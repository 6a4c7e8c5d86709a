import type { Activation } from './activation';

export const linear: Activation = { name: 'linear', apply: (x) => x };
