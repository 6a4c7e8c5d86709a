export { BaseConv, type BaseConvArgs } from './base-conv';
export { Conv1D, conv1d, type Conv1DArgs } from './conv1d';
export { Conv2D, conv2d, type Conv2DArgs } from './conv2d';
export { Conv3D, conv3d, type Conv3DArgs } from './conv3d';
