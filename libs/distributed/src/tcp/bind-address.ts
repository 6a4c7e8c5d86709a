import { networkInterfaces } from 'node:os';

/**
 * The address to listen on: loopback unless told otherwise; an interface name (eth0) stands for
 * its first IPv4 address, anything else is taken as an address.
 */
export function resolveBindAddress(hostOrInterface: string | undefined): string {
  if (!hostOrInterface) return '127.0.0.1';
  const nic = networkInterfaces()[hostOrInterface];
  if (nic) {
    const ipv4 = nic.find((a) => a.family === 'IPv4');
    if (!ipv4) throw new Error(`Network interface '${hostOrInterface}' has no IPv4 address to listen on`);
    return ipv4.address;
  }
  return hostOrInterface;
}
