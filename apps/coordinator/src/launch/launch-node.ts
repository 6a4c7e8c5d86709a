import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** torchrun's contract for one node: which node this is, how many processes it runs, where rank 0's store listens. */
export interface NodeLaunchOptions {
  nnodes: number;
  nodeRank: number;
  nprocPerNode: number;
  masterAddr: string;
  /** Rank 0's rendezvous port; 0 (single node only): a free one. */
  masterPort: number;
  script: string;
  scriptArgs: string[];
  /** The group's shared secret; default WEFT_DIST_TOKEN, or a fresh one on a single node. */
  token?: string;
  /** After one process fails, how long the others get to end on SIGTERM before SIGKILL. */
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Where to say what happens (a failed rank, the exit). */
  report?: (line: string) => void;
}

/** Resolves with a free TCP port on host (the OS's pick), or fails when host has no such address. */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Fails with the fix named when rank 0's store could not listen on host:port. */
function checkPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolveCheck, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `--master-port ${port} is already in use on ${host}: pick a free port with --master-port (every node must pass the same one).`
            : `rank 0's store cannot listen on ${host}:${port} (${err.message}): --master-addr must be an address of node 0.`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolveCheck()));
  });
}

function checkOptions(options: NodeLaunchOptions): void {
  const ints: [string, number, number][] = [
    ['--nnodes', options.nnodes, 1],
    ['--node-rank', options.nodeRank, 0],
    ['--nproc-per-node', options.nprocPerNode, 1],
    ['--master-port', options.masterPort, 0],
  ];
  for (const [flag, value, min] of ints) {
    if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be an integer >= ${min}. Received: ${flag} ${value}`);
  }
  if (options.masterPort > 65535) throw new Error(`--master-port must be a TCP port (1-65535). Received: --master-port ${options.masterPort}`);
  if (options.nodeRank >= options.nnodes) {
    throw new Error(`--node-rank ${options.nodeRank} must be below --nnodes ${options.nnodes} (nodes are numbered from 0).`);
  }
  if (options.nnodes > 1 && options.masterPort === 0) {
    throw new Error('--master-port is needed with --nnodes > 1: every node must name the same port of node 0.');
  }
}

/**
 * Runs `nprocPerNode` processes of `script` on this node as ranks nodeRank * nprocPerNode + i of
 * nnodes * nprocPerNode, with torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK,
 * LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT) and WEFT_DIST_TOKEN. A process that
 * fails stops the others on this node (SIGTERM, then SIGKILL); resolves with the exit code to
 * leave with: 0 when every process succeeded.
 */
export async function launchNode(options: NodeLaunchOptions): Promise<number> {
  checkOptions(options);
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const baseEnv = options.env ?? process.env;
  const token = options.token ?? baseEnv.WEFT_DIST_TOKEN ?? (options.nnodes === 1 ? randomBytes(16).toString('hex') : undefined);
  if (!token) {
    throw new Error('WEFT_DIST_TOKEN is not set: with --nnodes > 1, export the same secret on every node (e.g. WEFT_DIST_TOKEN=$(openssl rand -hex 16)).');
  }
  let port = options.masterPort;
  if (port === 0) port = await freePort(options.masterAddr);
  else if (options.nodeRank === 0) await checkPortFree(options.masterAddr, port);
  const worldSize = options.nnodes * options.nprocPerNode;
  const script = resolve(options.script);
  const children: ChildProcess[] = [];
  let failed: { rank: number; code: number } | null = null;
  const exits: Promise<void>[] = [];
  const stopOthers = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, options.killGraceMs ?? 5000);
    timer.unref();
  };
  for (let local = 0; local < options.nprocPerNode; local++) {
    const rank = options.nodeRank * options.nprocPerNode + local;
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      RANK: String(rank),
      WORLD_SIZE: String(worldSize),
      LOCAL_RANK: String(local),
      LOCAL_WORLD_SIZE: String(options.nprocPerNode),
      GROUP_RANK: String(options.nodeRank),
      MASTER_ADDR: options.masterAddr,
      MASTER_PORT: String(port),
      WEFT_DIST_TOKEN: token,
    };
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), script, ...options.scriptArgs], { env, stdio: 'inherit' });
    children.push(child);
    exits.push(
      new Promise((done) => {
        child.once('exit', (code, signal) => {
          const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
          if (exitCode !== 0 && failed === null) {
            failed = { rank, code: exitCode };
            report(`weft launch: rank ${rank} exited (${signal ?? `code ${code}`}); stopping the other ranks on this node.`);
            stopOthers();
          }
          done();
        });
      }),
    );
  }
  const forward = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    await Promise.all(exits);
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
  const failure = failed as { rank: number; code: number } | null;
  return failure === null ? 0 : failure.code;
}
