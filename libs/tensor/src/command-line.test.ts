import { choiceOption, intOption, parseFlags } from './command-line';

describe('command-line flags', () => {
  const options = { epochs: { type: 'string' }, quick: { type: 'boolean' } } as const;
  const help = { help: 'Flags: --epochs N --quick' };

  it('parses flags, and names an unknown flag, a missing value or a stray argument with where the flags are listed', () => {
    expect(parseFlags(['--epochs', '3', '--quick'], options, help).values).toEqual({ epochs: '3', quick: true });
    expect(() => parseFlags(['--epoch', '3'], options, help)).toThrow(/Unknown option '--epoch'.*Flags: --epochs N --quick$/);
    expect(() => parseFlags(['--epochs'], options, help)).toThrow(/Option '--epochs <value>' argument missing.*Flags:/);
    expect(() => parseFlags(['data.csv'], options, help)).toThrow(/Unexpected argument 'data.csv'/);
    expect(parseFlags(['data.csv'], options, { ...help, allowPositionals: true }).positionals).toEqual(['data.csv']);
  });

  it('reads integers and choices, with the fallback when the flag is absent', () => {
    expect(intOption('epochs', '3', 1)).toBe(3);
    expect(intOption('epochs', undefined, 7)).toBe(7);
    expect(intOption('seed', '0', 1, 0)).toBe(0);
    expect(() => intOption('epochs', '0', 1)).toThrow('--epochs must be an integer >= 1. Received: --epochs 0');
    expect(() => intOption('epochs', '2.5', 1)).toThrow('--epochs must be an integer >= 1. Received: --epochs 2.5');
    expect(choiceOption('backend', 'cpu', ['wasm', 'cpu'], 'wasm')).toBe('cpu');
    expect(choiceOption('backend', undefined, ['wasm', 'cpu'], 'wasm')).toBe('wasm');
    expect(() => choiceOption('backend', 'gpu', ['wasm', 'cpu'], 'wasm')).toThrow('--backend must be one of wasm, cpu. Received: --backend gpu');
  });
});
