import { readDistributedEnv } from './env';

const MASTER = { MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29500' };

describe('readDistributedEnv', () => {
  it('reads torchrun variables', () => {
    expect(readDistributedEnv({ RANK: '3', WORLD_SIZE: '8', LOCAL_RANK: '1', ...MASTER })).toEqual({
      rank: 3,
      worldSize: 8,
      localRank: 1,
      masterAddr: '10.0.0.1',
      masterPort: 29500,
      source: 'torchrun',
    });
  });

  it('falls back to Slurm, then Open MPI; torchrun wins when both are set', () => {
    expect(readDistributedEnv({ SLURM_PROCID: '2', SLURM_NTASKS: '4', SLURM_LOCALID: '0', ...MASTER })).toMatchObject({
      rank: 2,
      worldSize: 4,
      localRank: 0,
      source: 'slurm',
    });
    expect(
      readDistributedEnv({
        OMPI_COMM_WORLD_RANK: '1',
        OMPI_COMM_WORLD_SIZE: '2',
        OMPI_COMM_WORLD_LOCAL_RANK: '1',
        ...MASTER,
      }),
    ).toMatchObject({ rank: 1, worldSize: 2, localRank: 1, source: 'openmpi' });
    expect(readDistributedEnv({ RANK: '0', WORLD_SIZE: '2', SLURM_PROCID: '5', SLURM_NTASKS: '6', ...MASTER })).toMatchObject({
      rank: 0,
      worldSize: 2,
      source: 'torchrun',
    });
  });

  it('is a group of one without variables', () => {
    expect(readDistributedEnv({})).toEqual({ rank: 0, worldSize: 1, localRank: 0, source: 'none' });
  });

  it.each([
    [{ RANK: '1', ...MASTER }, /WORLD_SIZE is not set but RANK=1/],
    [{ SLURM_NTASKS: '2', ...MASTER }, /SLURM_PROCID is not set/],
    [{ RANK: '4', WORLD_SIZE: '4', ...MASTER }, /RANK=4 must be below WORLD_SIZE=4/],
    [{ RANK: 'one', WORLD_SIZE: '4', ...MASTER }, /RANK must be an integer >= 0. Received: RANK="one"/],
    [{ RANK: '0', WORLD_SIZE: '0', ...MASTER }, /WORLD_SIZE must be an integer >= 1/],
    [{ RANK: '1', WORLD_SIZE: '4', LOCAL_RANK: '2', ...MASTER }, /LOCAL_RANK=2 cannot exceed RANK=1/],
    [{ RANK: '1', WORLD_SIZE: '4', MASTER_PORT: '1' }, /MASTER_ADDR is not set/],
    [{ RANK: '1', WORLD_SIZE: '4', MASTER_ADDR: 'h' }, /MASTER_PORT is not set/],
    [{ RANK: '1', WORLD_SIZE: '4', MASTER_ADDR: 'h', MASTER_PORT: '70000' }, /MASTER_PORT must be a TCP port/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => readDistributedEnv(env)).toThrow(message);
  });
});
