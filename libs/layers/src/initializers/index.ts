export { Initializer, type SeedArgs } from './initializer';
export { computeFans } from './fans';
export { getInitializer, serializeInitializer, registerInitializer } from './get-initializer';
export { Zeros, zeros } from './zeros';
export { Ones, ones } from './ones';
export { Constant, constant, type ConstantArgs } from './constant';
export { RandomNormal, randomNormal, type RandomNormalArgs } from './random-normal';
export { RandomUniform, randomUniform, type RandomUniformArgs } from './random-uniform';
export { TruncatedNormal, truncatedNormal, type TruncatedNormalArgs } from './truncated-normal';
export {
  VarianceScaling, varianceScaling, type VarianceScalingArgs, type FanMode, type VarianceDistribution,
} from './variance-scaling';
export { GlorotUniform, glorotUniform } from './glorot-uniform';
export { GlorotNormal, glorotNormal } from './glorot-normal';
export { HeUniform, heUniform } from './he-uniform';
export { HeNormal, heNormal } from './he-normal';
export { LecunUniform, lecunUniform } from './lecun-uniform';
export { LecunNormal, lecunNormal } from './lecun-normal';
export { Orthogonal, orthogonal, type OrthogonalArgs } from './orthogonal';
export { Identity, identity, type IdentityArgs } from './identity';
