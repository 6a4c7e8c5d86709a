/**
 * What a shard does with the last, incomplete round of elements when the count does not divide
 * by the number of shards:
 * - 'pad' (torch DistributedSampler, drop_last=False; the default): the round is completed with
 *   the epoch's first elements again, so every shard gets ceil(n / shards) elements and the same
 *   number of batches; every element is seen once, the few padding ones twice.
 * - 'drop' (drop_last=True): the round is dropped: floor(n / shards) each, at most
 *   shards - 1 elements unseen this epoch.
 * - 'uneven' (tf.data's shard, torch's evaluation samplers): every element exactly once; the
 *   first n % shards shards get one element more.
 */
export type ShardRemainder = 'pad' | 'drop' | 'uneven';

/**
 * Shard `index` of `numShards`: element p of the epoch goes to shard p % numShards (torch's
 * indices[rank::num_replicas]). Every shard reads the whole stream and keeps its share, so with
 * the same seeded order upstream the shares are disjoint and together cover the epoch.
 */
export async function* shardElements<T>(
  source: AsyncIterable<T>,
  numShards: number,
  index: number,
  remainder: ShardRemainder,
): AsyncGenerator<T> {
  const first: T[] = []; // the epoch's first elements, for 'pad'
  let round: T[] = [];
  for await (const element of source) {
    if (remainder === 'pad' && first.length < numShards) first.push(element);
    round.push(element);
    if (round.length === numShards) {
      yield round[index];
      round = [];
    }
  }
  if (round.length === 0) return;
  if (remainder === 'uneven') {
    if (index < round.length) yield round[index];
  } else if (remainder === 'pad') {
    // torch pads the index list with its own start (repeated when shorter than the padding).
    // Position epochLength + k holds the epoch's element k % epochLength (first holds min(epochLength, numShards)).
    if (index < round.length) yield round[index];
    else yield first[(index - round.length) % first.length];
  }
}
