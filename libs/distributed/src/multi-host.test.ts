import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serialReference, type CaseResults } from './testing/collective-cases';

/*
 * Two "hosts" as network namespaces joined by a veth pair, with addresses in 10.231.0.0/16 that
 * exist only inside them: the ranks on each side must bind their own address (WEFT_DIST_HOST)
 * and reach the store on the other side. Needs root and iproute2; skipped with a reason otherwise.
 */
const run = promisify(execFile);
const tag = `${process.pid % 100000}`;
const hosts = [`weft-a-${tag}`, `weft-b-${tag}`];
const subnet = `10.231.${process.pid % 250}`;
const addresses = [`${subnet}.1`, `${subnet}.2`];
const ENTRY = join(__dirname, 'testing/env-rank.ts');

function unsupportedReason(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return "the 'ip' command (iproute2) is not installed";
  }
  const probe = `weft-probe-${tag}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
  } catch {
    return "'ip netns add' is not permitted here";
  }
  try {
    execFileSync('ip', ['-n', probe, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1'], { stdio: 'ignore' });
  } catch {
    return 'veth pairs cannot be created here';
  } finally {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  }
  return null;
}

const reason = unsupportedReason();
if (reason) console.log(`multi-host test skipped: ${reason}`);

function removeNamespaces(): void {
  for (const ns of hosts) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // not created
    }
  }
}

(reason ? describe.skip : describe)('collectives across two hosts (network namespaces)', () => {
  beforeAll(() => {
    removeNamespaces();
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    const veth = [`wa${tag}`, `wb${tag}`];
    for (const ns of hosts) ip('netns', 'add', ns);
    ip('link', 'add', veth[0], 'type', 'veth', 'peer', 'name', veth[1]);
    for (let h = 0; h < 2; h++) {
      ip('link', 'set', veth[h], 'netns', hosts[h]);
      ip('-n', hosts[h], 'addr', 'add', `${addresses[h]}/24`, 'dev', veth[h]);
      ip('-n', hosts[h], 'link', 'set', veth[h], 'up');
      ip('-n', hosts[h], 'link', 'set', 'lo', 'up');
    }
  });

  afterAll(removeNamespaces);

  it('runs every collective on 4 ranks, 2 per host, from the environment contract', async () => {
    const size = 4;
    const token = randomBytes(16).toString('hex');
    const lengths = [0, 1, 7, 21, 5003];
    const ranks = Array.from({ length: size }, (_, rank) => {
      const host = rank < 2 ? 0 : 1;
      return run(
        'ip',
        ['netns', 'exec', hosts[host], process.execPath, '--require', 'tsx/cjs', ENTRY, ...lengths.map(String)],
        {
          cwd: join(__dirname, '../../..'),
          timeout: 60_000,
          env: {
            ...process.env,
            RANK: String(rank),
            WORLD_SIZE: String(size),
            LOCAL_RANK: String(rank % 2),
            MASTER_ADDR: addresses[0],
            MASTER_PORT: '29500',
            WEFT_DIST_TOKEN: token,
            WEFT_DIST_HOST: addresses[host],
          },
        },
      );
    });
    const outputs = await Promise.all(ranks);
    for (const { stdout } of outputs) {
      const { rank, results } = JSON.parse(stdout.trim().split('\n').pop()!) as { rank: number; results: CaseResults[] };
      for (const result of results) {
        const want = serialReference(size, rank, result.length);
        expect(result.sum).toEqual(want.sum);
        expect(result.broadcast).toEqual(want.broadcast);
        expect(result.gathered).toEqual(want.gathered);
        expect(result.scattered).toEqual(want.scattered);
        expect(result.allocated).toEqual(want.allocated);
        result.mean.forEach((v, i) => expect(Math.abs(v - want.mean[i])).toBeLessThan(1e-4));
      }
    }
  });
});
