export { Flatten, flatten } from './flatten';
export { Reshape, reshape, type ReshapeArgs } from './reshape';
export { Permute, permute, type PermuteArgs } from './permute';
export { RepeatVector, repeatVector, type RepeatVectorArgs } from './repeat-vector';
