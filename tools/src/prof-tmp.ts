import { initBackend, tf } from '@weft/tensor';
import { DataParallel } from '@weft/distributed';
import { MODELS } from '../../libs/distributed/src/bench/throughput-models';
async function main() {
  await initBackend('wasm');
  const spec = (MODELS as any).mlp;
  const [x, y] = spec.data(64 * 300, 7);
  const model = spec.build();
  const t0 = performance.now(); const c0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  await model.fit(x, y, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0, distribution: new DataParallel({ workers: 2 }) });
  const elu = performance.eventLoopUtilization(elu0);
  console.log('wall', performance.now() - t0, 'elu', elu.utilization, elu.active);
}
main();
