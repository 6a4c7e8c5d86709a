export { ProcessGroup, DEFAULT_TIMEOUT_MS, type SumOrderRange, type ReduceOp, type CollectiveOptions, type ReduceOptions, type BroadcastOptions } from './process-group';
export { CollectiveError, type CollectiveName } from './errors';
export type { CollectivePhases } from './collective-phases';
export { shardRange } from './shard-range';
export { ProcessGroupShm } from './shm/process-group-shm';
export { createShmGroupHandle, type ShmGroupHandle } from './shm/shm-layout';
export { abortShmGroup } from './shm/shm-abort';
export { createReducer, type Reducer } from './simd-reducer';
export { ProcessGroupTcp } from './tcp/process-group-tcp';
export { createTcpGroup, type TcpGroupOptions } from './tcp/rendezvous';
export { StoreServer } from './tcp/store-server';
export { StoreClient } from './tcp/store-client';
export { GradientBuckets, DEFAULT_BUCKET_CAP_BYTES, type BucketReduceOptions } from './gradient-buckets';
export { RowSparseExchange, type RowExchangeOptions, type RowExchangeResult } from './sparse-rows';
export { readDistributedEnv, type DistributedEnv } from './env';
export { initProcessGroupFromEnv } from './init-from-env';
export { launchThreads, type LaunchThreadsOptions } from './launch/launch-threads';
export { launchProcesses, type LaunchProcessesOptions } from './launch/launch-processes';
export type { RankContext, RankMain, RankOutcome, LaunchOptions } from './launch/rank-context';
export {
  runCollectivesBench,
  formatCollectivesBench,
  validateCollectivesOptions,
  COLLECTIVES_TRANSPORTS,
  type CollectivesBenchOptions,
  type CollectivesBenchRow,
  type CollectivesTransport,
} from './bench/collectives-bench';
export {
  runThroughputBench,
  validateThroughputOptions,
  checkGpuDevice,
  type ThroughputBenchOptions,
  type ThroughputRow,
} from './bench/throughput-bench';
export { formatThroughputBench } from './bench/throughput-format';
export { throughputChartSpec, renderThroughputChart, writeThroughputChart, checkChartPath } from './bench/throughput-chart';
export { stepSharesFromTrace, type ThroughputStepShares } from './bench/step-shares';
export {
  runSparseExchangeBench,
  type SparseExchangeBenchOptions,
  type SparseExchangeReport,
  type SparseExchangeRow,
} from './bench/sparse-exchange-bench';
export { describeThroughputModels, THROUGHPUT_MODELS, DEFAULT_THROUGHPUT_MODELS, type ThroughputModel } from './bench/throughput-models';
export { DataParallel, DATA_PARALLEL_RANK_ENTRY, type DataParallelOptions } from './data-parallel/data-parallel';
export { main as dataParallelRankMain } from './data-parallel/replica-rank';
