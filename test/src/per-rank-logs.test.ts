// --log-dir's contract, end to end: a 2-worker DataParallel fit over real processes started after
// configureLogging({ dir }) leaves one JSON-lines file per rank, each line naming that rank; the
// settings reach the workers through the environment they inherit. (Worker threads take Node's own
// environment, which jest's sandboxed process.env does not change: the threads' case runs the CLI
// in a real process, in apps/coordinator/src/log-options.test.ts.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataParallel } from '@weft/distributed';
import { Sequential, layers } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { configureLogging, logFileName, logger } from '@weft/logging';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-rank-logs-'));
});
afterEach(() => {
  configureLogging({ dir: null, format: 'json', level: 'warn' });
  fs.rmSync(dir, { recursive: true, force: true });
});

function model(): Sequential {
  const m = new Sequential({ layers: [layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}

const readLines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('--log-dir over 2 worker processes', () => {
  it('rank-0.log and rank-1.log hold JSON lines of their own rank; the coordinator writes coordinator.log', async () => {
    const settings = configureLogging({ dir, level: 'debug', format: 'json' });
    expect(settings).toEqual({ format: 'json', dir, level: 'debug' });
    expect([process.env.WEFT_LOG_DIR, process.env.WEFT_LOG_FORMAT, process.env.WEFT_LOG_LEVEL]).toEqual([dir, 'json', 'debug']);
    const x = tf.randomNormal([32, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([32, 1], 0, 1, 'float32', 2);
    await model().fit(x, y, { batchSize: 8, epochs: 2, verbose: 0, distribution: new DataParallel({ workers: 2, transport: 'processes' }) });
    logger.info('fit done');

    expect(fs.readdirSync(dir).sort()).toEqual(['coordinator.log', logFileName(0), logFileName(1)]);
    for (const rank of [0, 1]) {
      const lines = readLines(logFileName(rank));
      expect(lines.every((l) => l.rank === rank && typeof l.time === 'number' && typeof l.level === 'number')).toBe(true);
      const messages = lines.map((l) => l.msg);
      expect(messages).toContain('compute backend ready'); // logged without a rank: the thread's rank is added
      expect(messages).toContain('data-parallel rank ready');
      expect(lines.filter((l) => l.msg === 'epoch done').map((l) => l.epoch)).toEqual([1, 2]);
    }
    expect(readLines('coordinator.log').map((l) => l.msg)).toContain('fit done');
  });
});
