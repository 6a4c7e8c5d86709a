export { Flatten, flatten } from './flatten';
export { Reshape, reshape, type ReshapeArgs } from './reshape';
export { Permute, permute, type PermuteArgs } from './permute';
export { RepeatVector, repeatVector, type RepeatVectorArgs } from './repeat-vector';
export { UpSampling1D, upSampling1d, type UpSampling1DArgs } from './up-sampling1d';
export { ZeroPadding1D, zeroPadding1d, type ZeroPadding1DArgs } from './zero-padding1d';
export { Cropping1D, cropping1d, type Cropping1DArgs } from './cropping1d';
