export { Activation, activation, type ActivationArgs } from './activation';
