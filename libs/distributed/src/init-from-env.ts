import { readDistributedEnv } from './env';
import { createTcpGroup } from './tcp/rendezvous';
import type { ProcessGroupTcp } from './tcp/process-group-tcp';

/**
 * The TCP process group a scheduler-started rank belongs to, from RANK/WORLD_SIZE/MASTER_ADDR/
 * MASTER_PORT (or the Slurm/Open MPI fallbacks), WEFT_DIST_TOKEN (the shared secret) and
 * WEFT_DIST_HOST (address or interface to listen on; default loopback).
 */
export function initProcessGroupFromEnv(
  options: { timeoutMs?: number; serveStore?: boolean; groupName?: string; chunkBytes?: number } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessGroupTcp> {
  const dist = readDistributedEnv(env);
  const token = env.WEFT_DIST_TOKEN ?? '';
  if (dist.worldSize > 1 && !token) {
    throw new Error('WEFT_DIST_TOKEN is not set: every rank needs the same secret token to join the group');
  }
  return createTcpGroup({
    rank: dist.rank,
    size: dist.worldSize,
    masterAddr: dist.masterAddr ?? '127.0.0.1',
    masterPort: dist.masterPort ?? 0,
    token,
    host: env.WEFT_DIST_HOST,
    ...options,
  });
}
