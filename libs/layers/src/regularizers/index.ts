export { Regularizer } from './regularizer';
export { getRegularizer, serializeRegularizer, registerRegularizer } from './get-regularizer';
export { L1, l1 } from './l1';
export { L2, l2 } from './l2';
export { L1L2, l1l2, type L1L2Args } from './l1l2';
