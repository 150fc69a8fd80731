/**
 * Deterministic sharding of a scan (`scan --shard K/N`): AWS accounts and Azure subscriptions are split by
 * sha256(lower-cased id) mod N, so every shard of every run agrees on the split without coordination, and
 * `blindspot merge` of the N shard snapshots covers each scope exactly once.
 */
import { createHash } from "node:crypto";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The shard (1..count) an account id or subscription id belongs to. */
export function shardOf(id: string, count: number): number {
  const n = Number.parseInt(createHash("sha256").update(id.toLowerCase()).digest("hex").slice(0, 8), 16);
  return (n % count) + 1;
}

/** True when `id` belongs to `shard` (always true without a shard). */
export function inShard(id: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(id, shard.count) === shard.index;
}
