const USAGE = `weft: Keras-style deep learning for NLP, trained data-parallel over threads, processes and GPUs

Usage: weft <command> [options]

Commands:
  train [options]         Train a model (default: the built-in demo job; --data FILE: your data)
  evaluate [options]      Evaluate a model trained with --data on labeled data
  predict [options]       Predict with a model trained with --data (JSON Lines out)
  launch [options] -- S   Run script S as the ranks of a data-parallel group (torchrun's contract)
  bench <what> [options]  Benchmarks (throughput, collectives)
  help                    Show this help

Run 'weft <command> --help' for a command's options.
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {};

/** Registers a subcommand; each lives in its own file under commands/. */
export function registerCommand(name: string, run: Command): void {
  commands[name] = run;
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`weft: unknown command '${name}'. Run 'weft --help' for the list.\n`);
    return 2;
  }
  return command(rest);
}
