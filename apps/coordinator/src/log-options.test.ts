import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { configureLogging } from '@weft/logging';
import { applyLogArgs } from './log-options';

const WEFT = path.join(__dirname, '..', '..', '..', 'bin', 'weft.js');

describe('--log-format and --log-dir', () => {
  afterEach(() => configureLogging({ format: 'json', dir: null, level: 'warn' }));

  it('are taken out of the arguments (either spelling) and applied; bad values name the flag', () => {
    expect(applyLogArgs('train', ['--epochs', '2', '--log-format', 'json', '--log-dir=logs', '--workers', '2'])).toEqual(['--epochs', '2', '--workers', '2']);
    expect(process.env.WEFT_LOG_DIR).toBe(path.resolve('logs'));
    expect(process.env.WEFT_LOG_FORMAT).toBe('json');
    expect(() => applyLogArgs('train', ['--log-format', 'xml'])).toThrow('--log-format must be auto, pretty, json. Received: --log-format xml');
    expect(() => applyLogArgs('bench', ['--log-dir'])).toThrow("--log-dir needs a value. Run 'weft bench --help' for the options.");
  });

  it('weft train over 2 worker threads: JSON lines on stderr (not a terminal), one file per rank plus coordinator.log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-logs-'));
    try {
      const { stderr } = await promisify(execFile)(
        process.execPath,
        [WEFT, 'train', '--workers', '2', '--epochs', '1', '--samples', '200', '--verbose', '0', '--backend', 'wasm', '--log-dir', dir],
        { env: { ...process.env, JEST_WORKER_ID: '', WEFT_LOG_FORMAT: '', WEFT_LOG_LEVEL: 'debug' } },
      );
      const stderrLines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { rank?: number; msg: string });
      expect(stderrLines.filter((l) => l.msg === 'compute backend ready').map((l) => l.rank ?? null).sort()).toEqual([0, 1, null]);
      expect(fs.readdirSync(dir).sort()).toEqual(['coordinator.log', 'rank-0.log', 'rank-1.log']);
      for (const rank of [0, 1]) {
        const lines = fs.readFileSync(path.join(dir, `rank-${rank}.log`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rank: number; msg: string });
        expect(lines.every((l) => l.rank === rank)).toBe(true);
        expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['compute backend ready', 'data-parallel rank ready', 'epoch done']));
      }
      const coordinator = fs.readFileSync(path.join(dir, 'coordinator.log'), 'utf8');
      expect(coordinator).toContain('"msg":"demo job finished"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
