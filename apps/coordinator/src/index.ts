export { runCli, registerCommand } from './cli';
