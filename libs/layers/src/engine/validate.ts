/** Keras-style argument checks: the message names the argument and the value received. */
export function assertPositiveInt(value: unknown, arg: string, owner: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${owner}: \`${arg}\` must be a positive integer. Received: ${arg}=${typeof value === 'number' ? value : JSON.stringify(value)}`);
  }
  return value;
}

export function assertRate(value: unknown, arg: string, owner: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${owner}: \`${arg}\` must be a number in [0, 1). Received: ${arg}=${JSON.stringify(value)}`);
  }
  return value;
}

export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], arg: string, owner: string): T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${owner}: \`${arg}\` must be one of ${allowed.join(', ')}. Received: ${arg}=${JSON.stringify(value)}`);
  }
  return value as T;
}
