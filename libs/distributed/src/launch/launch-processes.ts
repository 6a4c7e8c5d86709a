import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StoreServer } from '../tcp/store-server';
import { RANK_ENTRY, TS_EXEC_ARGV } from './launch-threads';
import { collectOutcomes, rankChannel } from './outcome-collector';
import type { LaunchOptions, RankOutcome, RankStart } from './rank-context';

const STDERR_TAIL_BYTES = 4096;

export interface LaunchProcessesOptions<A> extends LaunchOptions<A> {
  /** Extra environment for every rank. */
  env?: NodeJS.ProcessEnv;
  /** Extra environment for one rank (e.g. its own CUDA_VISIBLE_DEVICES), over `env`. */
  envForRank?: (rank: number) => NodeJS.ProcessEnv;
}

/**
 * Runs `size` ranks as child processes on this host, joined over TCP through a store this
 * process serves; each child gets the torchrun variables (RANK, WORLD_SIZE, LOCAL_RANK,
 * MASTER_ADDR, MASTER_PORT) and WEFT_DIST_TOKEN, so the same entry also runs under a scheduler.
 */
export async function launchProcesses<A, R>(options: LaunchProcessesOptions<A>): Promise<RankOutcome<R>[]> {
  const { size } = options;
  const token = randomBytes(16).toString('hex');
  const store = await StoreServer.listen({ token });
  const children: ChildProcess[] = [];
  const { settle, done } = collectOutcomes<R>(
    size,
    () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      store.close();
    },
    (rank, error) => options.onRankFailed?.(rank, error), // a dead process closes its sockets: the others hear it from TCP
    options.timeoutMs,
    options.failureGraceMs,
    options.signal,
  );
  for (let rank = 0; rank < size; rank++) {
    const env = {
      ...process.env,
      ...options.env,
      ...options.envForRank?.(rank),
      RANK: String(rank),
      WORLD_SIZE: String(size),
      LOCAL_RANK: String(rank),
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: String(store.port),
      WEFT_DIST_TOKEN: token,
    };
    const child = fork(RANK_ENTRY, [], { execArgv: TS_EXEC_ARGV, env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const start: RankStart = {
      rank,
      size,
      entry: options.entry,
      exportName: options.exportName ?? 'main',
      args: options.args,
      group: {
        kind: 'tcp',
        masterAddr: '127.0.0.1',
        masterPort: store.port,
        token,
        groupName: 'processes',
        timeoutMs: options.groupTimeoutMs,
      },
    };
    // A send can meet a channel the child has just closed (comlink releases a proxy from a
    // finalizer, at any time): the error then goes to the callback, not to an unheard 'error'
    // event that would end this process. The child's exit reports the rank's end.
    const post = (message: unknown) => {
      if (child.connected) child.send(message as Serializable, () => undefined);
    };
    post(start);
    child.on('message', rankChannel<R>(rank, post, settle, options));
    child.on('error', (err) => settle({ rank, ok: false, error: `rank ${rank}'s process failed: ${err.message}` }));
    child.on('exit', (code, signal) =>
      settle({
        rank,
        ok: false,
        error: `rank ${rank} exited (${signal ?? `code ${code}`}) before returning${stderr ? `; stderr: ${stderr.trim()}` : ''}`,
      }),
    );
  }
  return done;
}
