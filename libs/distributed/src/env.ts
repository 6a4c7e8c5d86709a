/** Where a rank learns its place in the group, read from the environment a scheduler sets. */
export interface DistributedEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  /** Rendezvous store address; undefined only for a group of one. */
  masterAddr?: string;
  masterPort?: number;
  /** Which family of variables supplied rank and size. */
  source: 'torchrun' | 'slurm' | 'openmpi' | 'none';
}

const FAMILIES = [
  { source: 'torchrun', rank: 'RANK', size: 'WORLD_SIZE', local: 'LOCAL_RANK' },
  { source: 'slurm', rank: 'SLURM_PROCID', size: 'SLURM_NTASKS', local: 'SLURM_LOCALID' },
  { source: 'openmpi', rank: 'OMPI_COMM_WORLD_RANK', size: 'OMPI_COMM_WORLD_SIZE', local: 'OMPI_COMM_WORLD_LOCAL_RANK' },
] as const;

function integer(env: NodeJS.ProcessEnv, name: string, min: number): number {
  const text = env[name]!.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}. Received: ${name}=${JSON.stringify(env[name])}`);
  }
  return value;
}

/**
 * Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT (torchrun's names), falling
 * back to Slurm's and Open MPI's variables for rank and size. Missing or contradictory values
 * throw an error naming the variable. No variables at all means a group of one.
 */
export function readDistributedEnv(env: NodeJS.ProcessEnv = process.env): DistributedEnv {
  const family = FAMILIES.find((f) => env[f.rank] !== undefined || env[f.size] !== undefined);
  if (!family) return { rank: 0, worldSize: 1, localRank: 0, source: 'none' };
  for (const name of [family.rank, family.size]) {
    if (env[name] === undefined) {
      const other = name === family.rank ? family.size : family.rank;
      throw new Error(`${name} is not set but ${other}=${env[other]} is: set both (${family.source} variables)`);
    }
  }
  const rank = integer(env, family.rank, 0);
  const worldSize = integer(env, family.size, 1);
  if (rank >= worldSize) {
    throw new Error(`${family.rank}=${rank} must be below ${family.size}=${worldSize}`);
  }
  const localRank = env[family.local] !== undefined ? integer(env, family.local, 0) : rank;
  if (localRank > rank) {
    throw new Error(`${family.local}=${localRank} cannot exceed ${family.rank}=${rank}`);
  }
  const result: DistributedEnv = { rank, worldSize, localRank, source: family.source };
  if (worldSize === 1 && env.MASTER_ADDR === undefined && env.MASTER_PORT === undefined) return result;
  for (const name of ['MASTER_ADDR', 'MASTER_PORT']) {
    if (!env[name]) {
      throw new Error(
        `${name} is not set: a group of ${worldSize} ranks needs MASTER_ADDR and MASTER_PORT, the address of the rendezvous store (rank 0 or the coordinator)`,
      );
    }
  }
  const masterPort = integer(env, 'MASTER_PORT', 1);
  if (masterPort > 65535) throw new Error(`MASTER_PORT must be a TCP port (1-65535). Received: MASTER_PORT=${masterPort}`);
  return { ...result, masterAddr: env.MASTER_ADDR, masterPort };
}
