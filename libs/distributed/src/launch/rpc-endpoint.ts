import type { Endpoint } from 'comlink';

/** A message of the control plane: a comlink message on one of the two channels between a rank and its launcher. */
export interface RpcEnvelope {
  type: 'rpc';
  /** 'rank': calls the launcher makes on the rank's object; 'launcher': calls the rank makes on the launcher's. */
  channel: 'rank' | 'launcher';
  data: unknown;
}

export function isRpcEnvelope(message: unknown): message is RpcEnvelope {
  return typeof message === 'object' && message !== null && (message as RpcEnvelope).type === 'rpc';
}

type Listener = (event: { data: unknown }) => void;

/**
 * A comlink Endpoint over one channel of a thread's port or a child process's IPC: comlink's
 * messages travel wrapped in RpcEnvelopes through `post`, and `deliver` hands it the envelopes'
 * contents that arrive for this channel. One adapter for worker threads and child processes alike
 * (IPC has no MessagePorts to transfer, so nothing is transferred).
 */
export class RpcEndpoint implements Endpoint {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly channel: RpcEnvelope['channel'],
    private readonly post: (envelope: RpcEnvelope) => void,
  ) {}

  postMessage(data: unknown): void {
    this.post({ type: 'rpc', channel: this.channel, data });
  }

  addEventListener(_type: string, listener: Parameters<Endpoint['addEventListener']>[1]): void {
    this.listeners.add(listener as unknown as Listener);
  }

  removeEventListener(_type: string, listener: Parameters<Endpoint['addEventListener']>[1]): void {
    this.listeners.delete(listener as unknown as Listener);
  }

  /** Hands an arriving envelope's message to comlink when it is for this channel. */
  deliver(envelope: RpcEnvelope): void {
    if (envelope.channel !== this.channel) return;
    for (const listener of this.listeners) listener({ data: envelope.data });
  }
}
