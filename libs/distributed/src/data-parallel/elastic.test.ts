// Elastic restarts with real faults: a rank process killed with SIGKILL, a thread that exits, a
// rank stalled past the timeout. Each fit runs in a process of its own that must exit by itself
// (no thread left) and leave no rank process behind; the restarted run must end with the weights
// and epoch logs of an uninterrupted one. The figures (restarts, time to recover, weight
// difference) go to the log at level warn.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@weft/logging';
import { CHECKPOINT_FILE } from './checkpoint-store';
import type { ElasticCase } from '../testing/elastic-cases';
import type { ElasticOutcome } from '../testing/elastic-fit';

jest.setTimeout(180_000);

const SCRIPT = join(__dirname, '..', 'testing', 'elastic-fit.ts');
const TOKEN_VAR = 'WEFT_ELASTIC_TEST';

/** Processes whose environment holds the token: the case's process and every rank it started. */
function processesWith(token: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(`${TOKEN_VAR}=${token}`)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return pids;
}

interface CaseRun extends ElasticOutcome {
  /** From the outcome printed to the process's exit. */
  exitLagMs: number;
  stderr: string;
}

/** Runs a case in a process of its own; checks that it exits by itself and that no process it started survives it. */
async function runCase(spec: Omit<ElasticCase, 'counterFile'> & { counterFile?: string }): Promise<CaseRun> {
  const token = randomUUID();
  const counterFile = spec.counterFile ?? join(mkdtempSync(join(tmpdir(), 'weft-fault-')), 'count');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', SCRIPT, JSON.stringify({ ...spec, counterFile })], {
    env: { ...process.env, WEFT_LOG_LEVEL: 'warn', [TOKEN_VAR]: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let printedAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    printedAt ||= Date.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (code !== 0 || !stdout) throw new Error(`the case exited (${signal ?? code}) with ${stdout}\n${stderr}`);
  expect(processesWith(token)).toEqual([]);
  return { ...(JSON.parse(stdout.trim()) as ElasticOutcome), exitLagMs: Date.now() - printedAt, stderr };
}

/** The largest |actual - expected| / max(1, |expected|) over every weight. */
function worstDifference(actual: number[][], expected: number[][]): number {
  expect(actual.map((w) => w.length)).toEqual(expected.map((w) => w.length));
  let worst = 0;
  expected.forEach((w, i) => w.forEach((e, j) => (worst = Math.max(worst, Math.abs(actual[i][j] - e) / Math.max(1, Math.abs(e))))));
  return worst;
}

function expectUninterrupted(run: CaseRun, what: string): void {
  expect(run.error).toBeNull();
  const difference = worstDifference(run.weights, uninterrupted.weights);
  expect(difference).toBeLessThanOrEqual(1e-5);
  expect(run.iterations).toBe(uninterrupted.iterations);
  for (const [key, values] of Object.entries(uninterrupted.history)) {
    values.forEach((v, i) => expect(Math.abs(run.history[key][i] - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
  }
  expect(run.exitLagMs).toBeLessThan(3000); // the fit settled; nothing it started holds the process
  logger.warn(
    { restarts: run.restarts.map((r) => ({ cause: r.cause, failedAt: r.failedAt, resumedAt: r.resumedAt, recoveryMs: r.recoveryMs })), weightDifference: difference, elapsedMs: run.elapsedMs, uninterruptedMs: uninterrupted.elapsedMs },
    `elastic: ${what}`,
  );
}

let uninterrupted: CaseRun;

beforeAll(async () => {
  uninterrupted = await runCase({ transport: 'threads', faults: [], maxRestarts: 0 });
  expect(uninterrupted.error).toBeNull();
  expect(uninterrupted.restarts).toEqual([]);
});

it('kill -9 of a rank process mid-epoch: every rank restarts from the checkpoint and the run ends with the uninterrupted weights', async () => {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'weft-elastic-'));
  const run = await runCase({ transport: 'processes', faults: ['kill'], maxRestarts: 3, checkpointDir });
  expect(run.restarts).toHaveLength(1);
  expect(run.restarts[0].cause).toMatch(/rank 1 exited \(SIGKILL\)/);
  // The kill came at step 5 of epoch 1; the checkpoint after step 3 is where the new ranks resumed.
  expect(run.restarts[0].resumedAt).toEqual({ epoch: 0, step: 3 });
  expect(run.restarts[0].failedAt.epoch).toBe(0);
  expect(run.restarts[0].failedAt.step).toBeGreaterThanOrEqual(3);
  expect(run.stderr).toMatch(/restarting every rank from the checkpoint at epoch 1, step 4 after: .*rank 1 exited \(SIGKILL\)/);
  expectUninterrupted(run, 'kill -9 of a rank process');
  expect(existsSync(join(checkpointDir, CHECKPOINT_FILE))).toBe(false); // a finished fit removes its checkpoint
});

it('a thread that throws, then one that exits (a crash), mid-epoch: two restarts from the checkpoint kept in memory, same weights', async () => {
  const run = await runCase({ transport: 'threads', faults: ['throw', 'exit'], maxRestarts: 2 });
  expect(run.restarts.map((r) => r.cause)).toEqual([
    'DataParallel: rank 1 failed (epoch 1, step 5): FaultOnMarker: injected failure',
    'DataParallel: rank 1 exited (code 13) before returning',
  ]);
  expect(run.restarts.map((r) => r.resumedAt)).toEqual([{ epoch: 0, step: 3 }, { epoch: 0, step: 3 }]);
  expectUninterrupted(run, 'a thread throws, then a thread exits');
});

it('a rank stalled past the timeout: the others time out, the stalled thread is terminated, every rank restarts', async () => {
  const run = await runCase({ transport: 'threads', faults: ['stall'], maxRestarts: 1, timeoutMs: 3000 });
  expect(run.restarts).toHaveLength(1);
  expect(run.restarts[0].cause).toMatch(/timed out waiting for rank 1/);
  expectUninterrupted(run, 'a stalled rank');
});

it('a rank killed three times in a row exhausts maxRestarts 2 with every cause and the checkpoint named; a later fit resumes from it', async () => {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'weft-elastic-'));
  const counterFile = join(checkpointDir, 'faults');
  const exhausted = await runCase({ transport: 'processes', faults: ['kill', 'kill', 'kill'], maxRestarts: 2, checkpointDir, counterFile });
  const checkpoint = join(checkpointDir, CHECKPOINT_FILE);
  expect(exhausted.error).toMatch(/^DataParallel: the ranks failed 3 times, more than maxRestarts \(2\) allows:\n {2}1\. .*rank 1 exited \(SIGKILL\).*\n {2}2\. .*rank 1 exited \(SIGKILL\).*\n {2}3\. .*rank 1 exited \(SIGKILL\)/);
  expect(exhausted.error).toContain(`The last checkpoint (resuming at epoch 1, step 4) is ${checkpoint}: fit again with the same checkpointDir to resume from it`);
  expect(exhausted.restarts).toHaveLength(2);
  expect(existsSync(checkpoint)).toBe(true);
  // The marked row has faulted 3 times: from here it trains normally.
  const resumed = await runCase({ transport: 'processes', faults: ['kill', 'kill', 'kill'], maxRestarts: 0, checkpointDir, counterFile });
  expect(resumed.stderr).not.toMatch(/restarting/);
  expectUninterrupted(resumed, 'resumed by a later fit after maxRestarts ran out');
  expect(existsSync(checkpoint)).toBe(false);
});
