// The benchmarks `weft bench` runs (apps/coordinator's bench command); the scripts in bench/ run on their own (npx tsx).
export {
  runCollectivesBench,
  formatCollectivesBench,
  validateCollectivesOptions,
  COLLECTIVES_TRANSPORTS,
  type CollectivesBenchOptions,
  type CollectivesBenchRow,
  type CollectivesTransport,
} from './bench/distributed/collectives-bench';
export { runThroughputBench, validateThroughputOptions, type RowSplitKind, type ThroughputBenchOptions, type ThroughputRow } from './bench/distributed/throughput-bench';
export { formatThroughputBench } from './bench/distributed/throughput-format';
export { writeThroughputChart, checkChartPath } from './bench/distributed/throughput-chart';
export { describeThroughputModels, THROUGHPUT_MODELS, DEFAULT_THROUGHPUT_MODELS, type ThroughputModel } from './bench/distributed/throughput-models';
