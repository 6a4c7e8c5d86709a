export { imdbCnn, imdbLstm } from './bench/imdb-models';
export { medianOpMs, medianStepMs, printTable } from './bench/timing';
