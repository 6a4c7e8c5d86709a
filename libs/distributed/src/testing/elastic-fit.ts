// A process that runs one elastic DataParallel fit (an ElasticCase, as JSON in argv[2]), prints how
// it ended as one JSON line, and then must exit on its own: proof that no rank outlives the fit.
import { initBackend } from '@weft/tensor';
import { DataParallel } from '../data-parallel/data-parallel';
import { CHECKPOINT_EVERY_STEPS, ELASTIC_FIT, FAULT_LAYERS, elasticData, elasticModel, type ElasticCase } from './elastic-cases';

/** What elastic-fit.ts prints. */
export interface ElasticOutcome {
  error: string | null;
  /** The final weights, flat, in model.weights order, and the optimizer's iterations. */
  weights: number[][];
  iterations: number;
  history: Record<string, number[]>;
  restarts: DataParallel['restarts'];
  elapsedMs: number;
}

async function run(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as ElasticCase;
  await initBackend('wasm');
  const model = elasticModel(spec.faults, spec.counterFile);
  const [x, y] = elasticData();
  const distribution = new DataParallel({
    workers: 2,
    transport: spec.transport,
    modules: [FAULT_LAYERS],
    maxRestarts: spec.maxRestarts,
    checkpointDir: spec.checkpointDir,
    checkpointEverySteps: CHECKPOINT_EVERY_STEPS,
    timeoutMs: spec.timeoutMs ?? 10_000,
  });
  const started = Date.now();
  let error: string | null = null;
  let history: Record<string, number[]> = {};
  try {
    history = (await model.fit(x, y, { ...ELASTIC_FIT, distribution })).history as Record<string, number[]>;
  } catch (err) {
    error = (err as Error).message;
  }
  const outcome: ElasticOutcome = {
    error,
    weights: model.weights.map((w) => Array.from(w.read().dataSync())),
    iterations: model.compiled!.optimizer.iterations,
    history,
    restarts: distribution.restarts,
    elapsedMs: Date.now() - started,
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

void run();
