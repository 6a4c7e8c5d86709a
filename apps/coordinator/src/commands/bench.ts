import { formatCollectivesBench, runCollectivesBench } from '@weft/distributed';
import { registerCommand } from '../cli';

type Benchmark = { describe: string; run: (args: string[]) => Promise<number> };

const USAGE = (name: string, describe: string) => `Usage: weft bench ${name} [--quick] [--json]

${describe}

  --quick   a short run (fewer sizes, less time per size)
  --json    print the rows as JSON instead of a table
`;

/** The flags every benchmark takes, or the exit code when there is nothing to run (help, a bad option). */
function flags(name: string, describe: string, args: string[]): { quick: boolean; json: boolean } | number {
  const known = new Set(['--quick', '--json', '--help', '-h']);
  const unknown = args.find((a) => !known.has(a));
  if (unknown) {
    process.stderr.write(`weft bench ${name}: unknown option '${unknown}'. Options: --quick, --json\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE(name, describe));
    return 0;
  }
  return { quick: args.includes('--quick'), json: args.includes('--json') };
}

/** Each benchmark, by the name given after `weft bench`. */
const BENCHMARKS: Record<string, Benchmark> = {
  collectives: {
    describe: 'All-reduce time, algbw and busbw over shared memory and TCP, beside memcpy (like nccl-tests).',
    async run(args) {
      const options = flags('collectives', this.describe, args);
      if (typeof options === 'number') return options;
      const rows = await runCollectivesBench({ quick: options.quick });
      process.stdout.write(`${options.json ? JSON.stringify(rows, null, 2) : formatCollectivesBench(rows)}\n`);
      return 0;
    },
  },
};

registerCommand('bench', async (args) => {
  const [name, ...rest] = args;
  const choices = Object.keys(BENCHMARKS).join(', ');
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(
      `Usage: weft bench <what> [options]\n\n${Object.entries(BENCHMARKS)
        .map(([n, b]) => `  ${n.padEnd(12)} ${b.describe}`)
        .join('\n')}\n`,
    );
    return name === undefined ? 2 : 0;
  }
  const benchmark = BENCHMARKS[name];
  if (!benchmark) {
    process.stderr.write(`weft bench: unknown benchmark '${name}'. Choices: ${choices}\n`);
    return 2;
  }
  return benchmark.run(rest);
});
