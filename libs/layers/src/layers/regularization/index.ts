export { Dropout, dropout, type DropoutArgs } from './dropout';
export { SpatialDropout1D, spatialDropout1d, type SpatialDropout1DArgs } from './spatial-dropout1d';
