// weft launch runs a user's script as the ranks of one group (torchrun's contract), and so do
// Open MPI's mpirun and Slurm's srun (on a one-node cluster the test starts): every rank ends with
// the weights of one in-process fit at the same global batch; a failing rank stops the others and
// the exit code says so; bad options name the fix.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { initBackend, tf } from '@weft/tensor';
import { launchNode } from './launch-node';
import { freePort } from './testing/free-port';
import { launchedJob } from './testing/launched-job';
import { slurmMissing, startSlurmCluster } from './testing/slurm-cluster';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..', '..');
const SCRIPT = join(__dirname, 'testing', 'launched-fit-script.ts');
let out: string;
let expected: { weights: number[][]; loss: number[] };

beforeAll(async () => {
  await initBackend('wasm');
  const { model, x, y, args } = launchedJob();
  const history = await model.fit(x, y, { ...args, verbose: 0 });
  expected = { weights: model.getWeights().map((w) => Array.from(w.dataSync())), loss: history.history.loss as number[] };
  tf.dispose([x, y]);
});
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'weft-launch-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** Rank `rank` trained to the in-process weights, its rank read from the launcher's variables. */
function expectInProcessResult(rank: number, source: string): void {
  const actual = JSON.parse(readFileSync(join(out, `rank-${rank}.json`), 'utf8')) as typeof expected & { source: string };
  expect(actual.source).toBe(source);
  actual.loss.forEach((l, i) => expect(l).toBeCloseTo(expected.loss[i], 5));
  actual.weights.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - expected.weights[i][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected.weights[i][j])))));
}

it('weft launch --nproc-per-node 2: both ranks end with the in-process weights', async () => {
  await run(process.execPath, [join(ROOT, 'bin', 'weft.js'), 'launch', '--nproc-per-node', '2', '--', SCRIPT, out], { env: { ...process.env, WEFT_LOG_LEVEL: 'warn' } });
  expectInProcessResult(0, 'torchrun');
  expectInProcessResult(1, 'torchrun');
}, 60_000);

it('a rank that fails stops the other, and launch returns its exit code', async () => {
  const lines: string[] = [];
  const started = Date.now();
  const code = await launchNode({
    nnodes: 1, nodeRank: 0, nprocPerNode: 2, masterAddr: '127.0.0.1', masterPort: 0, script: SCRIPT, scriptArgs: [out],
    env: { ...process.env, FAIL_RANK: '1', WEFT_LOG_LEVEL: 'silent' }, killGraceMs: 2000, report: (line) => lines.push(line),
  });
  expect(code).toBe(1);
  expect(lines[0]).toMatch(/rank 1 exited \(code 1\); stopping the other ranks on this node/);
  expect(Date.now() - started).toBeLessThan(30_000);
}, 40_000);

it('bad options and a port in use get errors that name the fix', async () => {
  const base = { nnodes: 1, nodeRank: 0, nprocPerNode: 1, masterAddr: '127.0.0.1', masterPort: 0, script: SCRIPT, scriptArgs: [] };
  await expect(launchNode({ ...base, nnodes: 2, nodeRank: 2, masterPort: 29500 })).rejects.toThrow('--node-rank 2 must be below --nnodes 2');
  await expect(launchNode({ ...base, nnodes: 2 })).rejects.toThrow('--master-port is needed with --nnodes > 1');
  await expect(launchNode({ ...base, nnodes: 2, masterPort: 29511, env: {} })).rejects.toThrow(/WEFT_DIST_TOKEN is not set/);
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  await expect(launchNode({ ...base, masterPort: port })).rejects.toThrow(`--master-port ${port} is already in use on 127.0.0.1`);
  busy.close();
});

function mpirunMissing(): string | null {
  try {
    execFileSync('mpirun', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'mpirun (Debian: openmpi-bin) is not installed';
  }
}

const mpiSkip = mpirunMissing();
(mpiSkip ? it.skip : it)(`mpirun -np 2 runs the same script as two ranks (Open MPI's variables)${mpiSkip ? ` - skipped: ${mpiSkip}` : ''}`, async () => {
  const env = { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()), WEFT_DIST_TOKEN: 'mpi-test', WEFT_LOG_LEVEL: 'warn' };
  await run('mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', '2', '-x', 'MASTER_ADDR', '-x', 'MASTER_PORT', '-x', 'WEFT_DIST_TOKEN', '-x', 'WEFT_LOG_LEVEL',
    process.execPath, '--require', require.resolve('tsx/cjs'), SCRIPT, out], { env });
  expectInProcessResult(0, 'openmpi');
  expectInProcessResult(1, 'openmpi');
}, 60_000);

const slurmSkip = slurmMissing();
if (slurmSkip) process.stderr.write(`skipping the Slurm test: ${slurmSkip}\n`);
(slurmSkip ? it.skip : it)(`srun -n 2 on a one-node Slurm cluster runs the same script as two ranks (Slurm's variables)${slurmSkip ? ` - skipped: ${slurmSkip}` : ''}`, async () => {
  const cluster = await startSlurmCluster();
  try {
    const env = { ...cluster.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()), WEFT_DIST_TOKEN: 'slurm-test', WEFT_LOG_LEVEL: 'warn' };
    await run('srun', ['--nodes=1', '--ntasks=2', '--export=ALL', '--kill-on-bad-exit=1', '--time=1',
      process.execPath, '--require', require.resolve('tsx/cjs'), SCRIPT, out], { env, timeout: 30_000 })
      .catch((err: Error) => Promise.reject(new Error(`${err.message}\n${cluster.logs()}`)));
  } finally {
    await cluster.stop();
  }
  expectInProcessResult(0, 'slurm');
  expectInProcessResult(1, 'slurm');
}, 75_000); // cluster start (up to 20 s), srun (up to 30 s), stop (up to 20 s)
