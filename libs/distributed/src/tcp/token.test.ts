import { connect } from 'node:net';
import { createTcpGroup } from './rendezvous';
import { sendHello } from './handshake';
import { StoreClient } from './store-client';
import { StoreServer } from './store-server';

describe('TCP rendezvous with a shared token', () => {
  it('serves set, add and a get that waits for the key', async () => {
    const server = await StoreServer.listen({ token: 'secret' });
    const a = await StoreClient.connect({ host: '127.0.0.1', port: server.port, token: 'secret', rank: 0, timeoutMs: 2000 });
    const b = await StoreClient.connect({ host: '127.0.0.1', port: server.port, token: 'secret', rank: 1, timeoutMs: 2000 });
    const waiting = b.get('k', 2000);
    await a.set('k', 'v');
    expect(await waiting).toBe('v');
    expect(await a.add('n', 2)).toBe(2);
    expect(await b.add('n', 3)).toBe(5);
    await expect(b.get('missing', 50)).rejects.toThrow(/'missing' was not set within 50 ms/);
    a.close();
    b.close();
    server.close();
  });

  it('refuses a store connection with a wrong token', async () => {
    const server = await StoreServer.listen({ token: 'secret' });
    await expect(
      StoreClient.connect({ host: '127.0.0.1', port: server.port, token: 'guess', rank: 0, timeoutMs: 2000 }),
    ).rejects.toThrow(/refused the connection/);
    server.close();
  });

  it('refuses a ring connection with a wrong token, and the group still forms', async () => {
    const server = await StoreServer.listen({ token: 'secret' });
    const options = { size: 2, masterAddr: '127.0.0.1', masterPort: server.port, token: 'secret', serveStore: false, timeoutMs: 5000 };
    const forming = Promise.all([createTcpGroup({ ...options, rank: 0 }), createTcpGroup({ ...options, rank: 1 })]);
    // An intruder who learned rank 0's address from the store, without the token.
    const spy = await StoreClient.connect({ host: '127.0.0.1', port: server.port, token: 'secret', rank: 9, timeoutMs: 2000 });
    const { port } = JSON.parse(await spy.get('default/addr/0', 2000)) as { port: number };
    const intruder = connect(port, '127.0.0.1');
    await new Promise((resolve) => intruder.once('connect', resolve));
    await expect(sendHello(intruder, { kind: 'peer', rank: 1 }, 'guess', 2000)).rejects.toThrow(/refused/);
    const groups = await forming;
    const data = [new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30])];
    await Promise.all(groups.map((g, r) => g.allReduce(data[r])));
    expect(Array.from(data[0])).toEqual([11, 22, 33]);
    for (const g of groups) g.destroy();
    spy.close();
    server.close();
  });
});
