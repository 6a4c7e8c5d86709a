import { availableParallelism } from 'node:os';
import { intOption } from '@weft/tensor';
import { registerCommand } from '../cli';
import { launchNode } from '../launch/launch-node';
import { parseCommandArgs } from '../options';

const HELP = `Usage: weft launch [options] -- SCRIPT [script args]

Runs SCRIPT as ranks of one data-parallel group, as torchrun does: --nproc-per-node processes on
this node, each with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,
MASTER_PORT and WEFT_DIST_TOKEN set. In SCRIPT, model.fit(x, y, { distribution: new DataParallel() })
trains as this process's rank: rank 0 shows progress and runs the callbacks. On several nodes,
run the same command on each with its --node-rank, the same --master-addr/--master-port (node 0's)
and the same WEFT_DIST_TOKEN in the environment.

Options:
  --nnodes N           nodes in the job (default 1)
  --node-rank R        this node's number, 0 to N-1 (default 0)
  --nproc-per-node K   processes on this node (default: one per CPU core)
  --master-addr A      node 0's address, where rank 0's rendezvous store listens (default 127.0.0.1)
  --master-port P      its port (default: a free one on a single node; needed with --nnodes > 1)
`;

registerCommand('launch', async (args) => {
  const split = args.indexOf('--');
  const own = split >= 0 ? args.slice(0, split) : args;
  const { values, positionals } = parseCommandArgs('launch', own, {
    nnodes: { type: 'string' },
    'node-rank': { type: 'string' },
    'nproc-per-node': { type: 'string' },
    'master-addr': { type: 'string' },
    'master-port': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (split < 0 || split === args.length - 1) {
    throw new Error(
      `put the script after --, e.g. weft launch --nproc-per-node 2 -- train.ts${positionals.length > 0 ? ` (received '${positionals[0]}' before it)` : ''}. Run 'weft launch --help' for the options.`,
    );
  }
  const [script, ...scriptArgs] = args.slice(split + 1);
  return launchNode({
    nnodes: intOption('nnodes', values.nnodes, 1),
    nodeRank: intOption('node-rank', values['node-rank'], 0, 0),
    nprocPerNode: intOption('nproc-per-node', values['nproc-per-node'], availableParallelism()),
    masterAddr: values['master-addr'] ?? '127.0.0.1',
    masterPort: intOption('master-port', values['master-port'], 0, 0),
    script,
    scriptArgs,
  });
});
