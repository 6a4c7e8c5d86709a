export { Dropout, dropout, type DropoutArgs } from './dropout';
