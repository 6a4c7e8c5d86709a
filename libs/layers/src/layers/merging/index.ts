export { Merge } from './merge';
export { Add, add } from './add';
export { Subtract, subtract } from './subtract';
export { Multiply, multiply } from './multiply';
export { Average, average } from './average';
export { Maximum, maximum } from './maximum';
export { Minimum, minimum } from './minimum';
export { Concatenate, concatenate, type ConcatenateArgs } from './concatenate';
export { Dot, dot, type DotArgs } from './dot';
