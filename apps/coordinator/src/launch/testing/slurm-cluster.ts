// A throwaway one-node Slurm cluster for tests: munged with a fresh key, slurmctld and slurmd in
// the foreground, all configured, logged and stored under one temp directory, on free ports.
// Nothing outside that directory is touched (SLURM_CONF points the client commands at it).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const COMMANDS = ['mungekey', 'munged', 'slurmctld', 'slurmd', 'sinfo', 'srun', 'scancel'];
const SLURM_PACKAGES = 'Debian: apt-get install slurmctld slurmd slurm-client munge';

export interface SlurmCluster {
  /** Environment for client commands (srun, sinfo): this process's, with SLURM_CONF set. */
  env: NodeJS.ProcessEnv;
  /** Daemon logs, for a failing test's message. */
  logs(): string;
  /** Cancels jobs, stops the daemons (SIGTERM, then SIGKILL after a grace) and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Why a local cluster cannot start here (a missing command), or null. Root is not needed: the
 * daemons run as this user (SlurmUser, SlurmdUser) and launch its tasks.
 */
export function slurmMissing(): string | null {
  const absent = COMMANDS.filter((name) => {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
      return false;
    } catch {
      return true;
    }
  });
  return absent.length > 0 ? `${absent.join(', ')} not installed (${SLURM_PACKAGES})` : null;
}

function slurmConf(dir: string, ctldPort: number, slurmdPort: number): string {
  const user = userInfo().username;
  return [
    'ClusterName=weft-test',
    'SlurmctldHost=localhost',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    `SlurmUser=${user}`,
    `SlurmdUser=${user}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${join(dir, 'munge', 'socket')}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    // No cgroups: linuxproc tracks a step's processes through /proc, task/none binds nothing.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'MpiDefault=none',
    'MailProg=/bin/true',
    'ReturnToService=2',
    `NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
    'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

/** Polls until check() is true or a started process exits; throws after timeoutMs. */
async function waitFor(what: string, check: () => Promise<boolean>, daemons: ChildProcess[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = daemons.find((d) => d.exitCode !== null || d.signalCode !== null);
    if (exited) throw new Error(`${exited.spawnfile} exited (${exited.exitCode ?? exited.signalCode}) while waiting for ${what}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopDaemon(daemon: ChildProcess, graceMs: number): Promise<void> {
  if (daemon.exitCode !== null || daemon.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  daemon.kill('SIGTERM');
  const timer = setTimeout(() => {
    // The whole group: slurmctld's slurmscriptd helper too.
    try {
      process.kill(-daemon.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Live processes whose environment names this cluster's config: the daemons, their helpers and the
 * tasks (srun --export=ALL passes SLURM_CONF on). slurmstepd starts with a cleared environment and
 * exits with its step, which scancel ends.
 */
function clusterProcesses(conf: string): number[] {
  const marker = `SLURM_CONF=${conf}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        const zombie = /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
        return !zombie && readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
      } catch {
        return false; // exited, or not ours to read
      }
    })
    .map(Number);
}

/** Gives the cluster's processes graceMs to exit after the daemons stopped, then kills what is left. */
async function reapClusterProcesses(conf: string, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (clusterProcesses(conf).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of clusterProcesses(conf)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Starts munged, slurmctld and slurmd (one node named localhost with this machine's cores, one
 * partition) and waits until sinfo shows the node idle. Any failure stops what started, removes
 * the directory and throws with the daemons' logs.
 */
export async function startSlurmCluster(timeoutMs = 20_000): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-slurm-'));
  // munged refuses a socket whose directories others cannot traverse.
  chmodSync(dir, 0o755);
  for (const sub of ['munge', 'state', 'spool']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(dir, await freePort(), await freePort()));
  const env = { ...process.env, SLURM_CONF: conf, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
  const daemons: ChildProcess[] = [];
  const start = (command: string, args: string[]) => {
    const log = openSync(join(dir, `${command}.log`), 'w');
    // Own process group, so stop() reaches helpers the daemon forks.
    daemons.push(spawn(command, args, { env, detached: true, stdio: ['ignore', log, log] }));
    closeSync(log);
  };
  const logs = () =>
    ['munged', 'slurmctld', 'slurmd']
      .map((name) => join(dir, `${name}.log`))
      .filter(existsSync)
      .map((file) => `--- ${file}\n${readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
  const stop = async () => {
    await run('scancel', ['--full', '--user', userInfo().username], { env, timeout: 5000 }).catch(() => undefined);
    for (const daemon of daemons.reverse()) await stopDaemon(daemon, 3000);
    await reapClusterProcesses(conf, 5000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const socket = join(dir, 'munge', 'socket');
    await run('mungekey', ['--create', '--keyfile', join(dir, 'munge', 'key')], { env, timeout: 5000 });
    start('munged', ['--foreground', '--force', `--key-file=${join(dir, 'munge', 'key')}`, `--socket=${socket}`,
      `--pid-file=${join(dir, 'munge', 'pid')}`, `--seed-file=${join(dir, 'munge', 'seed')}`, `--log-file=${join(dir, 'munge', 'log')}`]);
    await waitFor('the munge socket', async () => existsSync(socket), daemons, timeoutMs);
    start('slurmctld', ['-D']);
    start('slurmd', ['-D', '-N', 'localhost']);
    const idle = async () => {
      const state = await run('sinfo', ['--noheader', '--format=%t'], { env, timeout: 5000 }).catch(() => ({ stdout: '' }));
      return state.stdout.trim() === 'idle';
    };
    await waitFor('the node to be idle in sinfo', idle, daemons, timeoutMs);
  } catch (err) {
    const message = `a one-node Slurm cluster did not start: ${(err as Error).message}\n${logs()}`;
    await stop();
    throw new Error(message);
  }
  return { env, logs, stop };
}
