// The rank entry of data-parallel training (launchThreads/launchProcesses run its `main`); it lives
// in @weft/distributed, which may not import apps, and is re-exported here for `weft worker`.
export { dataParallelRankMain as main } from '@weft/distributed';
