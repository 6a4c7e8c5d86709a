import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { logSettingsFromEnv } from './log-settings';
import { LogSink } from './log-sink';
import { prettyFormatter } from './pretty-line';
import { StatusLine } from './status-line';

const line = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 30, 5, 123), pid: 7, name: 'weft', ...fields })}\n`;

describe('prettyFormatter', () => {
  const pretty = prettyFormatter({ colorize: false });

  it('one line: time, level, the rank (rank 0 too), the message, the other fields', () => {
    const out = pretty(line({ rank: 1, backend: 'wasm', msg: 'compute backend ready' }));
    expect(out).toMatch(/^\[\d\d:\d\d:05\.123\] INFO: \[rank 1\] compute backend ready \{"backend":"wasm"\}\n$/);
    expect(pretty(line({ rank: 0, msg: 'ready' }))).toMatch(/INFO: \[rank 0\] ready\n$/);
    expect(pretty(line({ level: 40, component: 'store', msg: 'slow client' }))).toMatch(/WARN: store: slow client\n$/);
    expect(pretty(line({ msg: 'demo job finished' }))).not.toContain('pid');
  });

  it('keeps an error stack on the lines below', () => {
    const out = pretty(line({ level: 50, rank: 2, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.ts:1:1)' }, msg: 'boom' }));
    expect(out.split('\n')[0]).toMatch(/ERROR: \[rank 2\] boom/);
    expect(out).toContain('at f (x.ts:1:1)');
  });
});

describe('log settings from the environment', () => {
  it("'auto' is pretty on a terminal and JSON elsewhere; explicit choices win; a bad value reads as auto", () => {
    expect(logSettingsFromEnv({}, true).format).toBe('pretty');
    expect(logSettingsFromEnv({}, false).format).toBe('json');
    expect(logSettingsFromEnv({ WEFT_LOG_FORMAT: 'json' }, true).format).toBe('json');
    expect(logSettingsFromEnv({ WEFT_LOG_FORMAT: 'pretty' }, false).format).toBe('pretty');
    const bad = logSettingsFromEnv({ WEFT_LOG_FORMAT: 'xml' }, false);
    expect(bad.format).toBe('json');
    expect(bad.problem).toBe('WEFT_LOG_FORMAT must be auto, pretty, json. Received: WEFT_LOG_FORMAT="xml"; using \'auto\'');
    expect(logSettingsFromEnv({ WEFT_LOG_DIR: '/tmp/logs', WEFT_LOG_LEVEL: 'debug' }, false)).toMatchObject({ dir: '/tmp/logs', level: 'debug' });
    expect(logSettingsFromEnv({ JEST_WORKER_ID: '1' }, false).level).toBe('warn');
  });
});

describe('LogSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-logs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readLines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  it('writes JSON lines to rank-<r>.log by their rank and the rest to coordinator.log; stderr gets the chosen format', () => {
    const stderr: string[] = [];
    const sink = new LogSink({ format: 'pretty', dir, level: 'info' }, (t) => stderr.push(t));
    const log = pino({ name: 'weft' }, sink);
    log.child({ rank: 1 }).info({ step: 3 }, 'one');
    log.info('coordinating');
    log.child({ rank: 0 }).warn('zero');
    expect(readLines('rank-1.log')).toMatchObject([{ rank: 1, step: 3, msg: 'one', level: 30 }]);
    expect(readLines('rank-0.log')).toMatchObject([{ rank: 0, msg: 'zero', level: 40 }]);
    expect(readLines('coordinator.log')).toMatchObject([{ msg: 'coordinating' }]);
    expect(stderr.map((t) => t.replace(/\u001b\[\d+m/g, ''))).toEqual([
      expect.stringMatching(/INFO: \[rank 1\] one \{"step":3\}\n$/),
      expect.stringMatching(/INFO: coordinating\n$/),
      expect.stringMatching(/WARN: \[rank 0\] zero\n$/),
    ]);
    sink.closeFiles();
  });

  it("in a rank's thread, lines without a rank get it; JSON format passes pino's lines through", () => {
    const stderr: string[] = [];
    const sink = new LogSink({ format: 'json', dir, level: 'info' }, (t) => stderr.push(t));
    sink.rank = 3;
    pino({ name: 'weft' }, sink).info({ backend: 'wasm' }, 'compute backend ready');
    expect(readLines('rank-3.log')).toMatchObject([{ rank: 3, backend: 'wasm', msg: 'compute backend ready' }]);
    expect(JSON.parse(stderr[0])).toMatchObject({ rank: 3, msg: 'compute backend ready' });
    expect(fs.readdirSync(dir)).toEqual(['rank-3.log']);
    sink.closeFiles();
  });
});

describe('StatusLine', () => {
  const isTTY = process.stderr.isTTY;
  let transcript: string[];
  let stderrWrite: jest.SpyInstance;
  beforeEach(() => {
    transcript = [];
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    stderrWrite = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      transcript.push(`[err]${String(chunk)}`);
      return true;
    });
  });
  afterEach(() => {
    stderrWrite.mockRestore();
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
  });
  const terminal = { isTTY: true, write: (t: string) => transcript.push(t) };

  it('on a terminal, stderr output lands above the bar, never inside it; the bar is redrawn below', () => {
    const bar = new StatusLine(terminal);
    bar.show('1/4 [====>....]');
    process.stderr.write('[rank 1] ready\n');
    bar.show('2/4 [======>..]');
    process.stderr.write('[rank 0] part');
    process.stderr.write(' of a line\n');
    bar.end('4/4 [=========]');
    process.stderr.write('after the epoch\n');
    expect(transcript).toEqual([
      '\r1/4 [====>....]',
      `\r${' '.repeat(15)}\r`, '[err][rank 1] ready\n', '1/4 [====>....]',
      '\r2/4 [======>..]',
      `\r${' '.repeat(15)}\r`, '[err][rank 0] part', '[err] of a line\n', '2/4 [======>..]',
      '\r4/4 [=========]', '\n',
      '[err]after the epoch\n',
    ]);
    expect(process.stderr.write).toBe(stderrWrite);
  });

  it('off a terminal it only writes the line, padding over a longer one, and leaves stderr alone', () => {
    const bar = new StatusLine({ write: (t: string) => transcript.push(t) });
    bar.show('12345');
    expect(process.stderr.write).toBe(stderrWrite);
    bar.end('123');
    expect(transcript).toEqual(['\r12345', '\r123  ', '\n']);
  });
});
