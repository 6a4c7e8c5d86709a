/**
 * Asks the source for up to `bufferSize` elements ahead of the consumer, so that reading and
 * parsing overlap with whatever the consumer awaits (an async generator queues the requests).
 */
export async function* prefetchElements<T>(source: AsyncIterable<T>, bufferSize: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<T>>[] = [];
  const request = () => {
    const next = iterator.next();
    next.catch(() => undefined); // surfaced when awaited below, not as an unhandled rejection
    pending.push(next);
  };
  let done = false;
  try {
    for (let i = 0; i < bufferSize; i++) request();
    while (pending.length > 0) {
      const result = await (pending.shift() as Promise<IteratorResult<T>>);
      if (result.done) {
        done = true;
        return;
      }
      request();
      yield result.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
