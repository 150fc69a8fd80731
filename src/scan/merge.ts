/**
 * `blindspot merge`: one snapshot from the snapshots of `scan --shard K/N` runs. Every shard must come from the
 * same blindspot version and the same scan options (only the shard differs). Accounts, subscriptions, tenants,
 * workspaces and storage destinations are united (a scope present twice keeps its most complete record); the
 * merged scan started with the earliest shard and finished with the latest, and it is complete only when every
 * shard is complete and every shard 1..N is present.
 */
import { UserError } from "../errors.js";
import type { SanitizedOptions, Snapshot } from "../model/snapshot.js";
import type { AwsAccount, AwsPart } from "../model/snapshot-aws.js";
import type { AzurePart } from "../model/snapshot-azure.js";

export interface NamedSnapshot {
  name: string;
  snapshot: Snapshot;
}

export interface MergeResult {
  snapshot: Snapshot;
  /** Shards 1..N that were not among the inputs (the merged snapshot is then incomplete). */
  missingShards: number[];
}

/** The options that must agree across shards: everything but the shard itself. */
function comparable(o: SanitizedOptions): string {
  const { shard: _shard, ...rest } = o;
  return stableJson(rest);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** How much of a record is unknown: fewer error probes and errors is a better record of the same scope. */
function unknownness(v: unknown): number {
  const s = JSON.stringify(v);
  return (s.match(/"state":"error"|"state":"denied"|"kind":"/g) ?? []).length;
}

function unite<T>(lists: readonly (readonly T[])[], key: (x: T) => string): T[] {
  const out = new Map<string, T>();
  for (const list of lists) {
    for (const x of list) {
      const k = key(x);
      const prev = out.get(k);
      if (!prev || unknownness(x) < unknownness(prev)) out.set(k, x);
    }
  }
  return [...out.values()];
}

/** Merges shard snapshots. Throws a one-line UserError (exit 2) for inputs that do not belong together. */
export function mergeSnapshots(inputs: readonly NamedSnapshot[]): MergeResult {
  const first = inputs[0];
  if (!first)
    throw new UserError("merge needs at least one snapshot", { hint: "blindspot merge A.json B.json --out ALL.json" });
  for (const { name, snapshot } of inputs.slice(1)) {
    if (snapshot.tool.version !== first.snapshot.tool.version) {
      throw new UserError(
        `${name} was written by blindspot ${snapshot.tool.version}, ${first.name} by ${first.snapshot.tool.version}`,
        { hint: "merge shards of one run; rescan every shard with the same blindspot version" },
      );
    }
    if (comparable(snapshot.options) !== comparable(first.snapshot.options)) {
      throw new UserError(`${name} was scanned with other options than ${first.name}`, {
        hint: "merge shards of one run: same clouds, flags and endpoints, only --shard differs",
      });
    }
  }
  const shards = inputs.map((i) => i.snapshot.options.shard);
  const count = shards.find((s) => s)?.count;
  const seen = new Map<number, string>();
  for (const [i, s] of shards.entries()) {
    const name = inputs[i]!.name;
    if (!s) {
      if (inputs.length > 1)
        throw new UserError(`${name} is not a shard snapshot (no --shard)`, {
          hint: "merge the snapshots of `scan --shard K/N` runs",
        });
      continue;
    }
    if (s.count !== count)
      throw new UserError(`${name} is shard ${s.index}/${s.count}, the others are of ${count}`, {
        hint: "merge shards of one run (the same N in --shard K/N)",
      });
    const dup = seen.get(s.index);
    if (dup)
      throw new UserError(`${name} and ${dup} are both shard ${s.index}/${s.count}`, { hint: "pass each shard once" });
    seen.set(s.index, name);
  }
  const missingShards = count ? Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k)) : [];

  const snaps = inputs.map((i) => i.snapshot);
  const startedAt = snaps.map((s) => s.startedAt).sort()[0]!;
  const finishedAt = snaps
    .map((s) => s.finishedAt)
    .sort()
    .at(-1)!;
  const { shard: _shard, ...options } = first.snapshot.options;
  const aws = mergeAws(snaps.flatMap((s) => (s.aws ? [s.aws] : [])));
  const azure = mergeAzure(snaps.flatMap((s) => (s.azure ? [s.azure] : [])));
  return {
    snapshot: {
      schemaVersion: first.snapshot.schemaVersion,
      tool: first.snapshot.tool,
      startedAt,
      finishedAt,
      complete: snaps.every((s) => s.complete) && missingShards.length === 0,
      options,
      ...(aws ? { aws } : {}),
      ...(azure ? { azure } : {}),
    },
    missingShards,
  };
}

function mergeAws(parts: AwsPart[]): AwsPart | undefined {
  if (parts.length === 0) return undefined;
  const caller = parts.find((p) => p.caller)?.caller;
  const orgs = parts.flatMap((p) => (p.organization ? [p.organization] : []));
  const organization = orgs.find((o) => !o.error) ?? orgs[0];
  const accounts = unite(
    parts.map((p) => p.accounts),
    (a: AwsAccount) => a.accountId,
  );
  // The unsharded order: the caller's account first, then by id.
  accounts.sort((a, b) =>
    a.accountId === caller?.accountId
      ? -1
      : b.accountId === caller?.accountId
        ? 1
        : a.accountId.localeCompare(b.accountId),
  );
  return { ...(caller ? { caller } : {}), ...(organization ? { organization } : {}), accounts };
}

function mergeAzure(parts: AzurePart[]): AzurePart | undefined {
  if (parts.length === 0) return undefined;
  const lower = (s: string) => s.toLowerCase();
  return {
    tenants: unite(
      parts.map((p) => p.tenants),
      (t) => lower(t.tenantId),
    ),
    subscriptions: unite(
      parts.map((p) => p.subscriptions),
      (s) => lower(s.subscriptionId),
    ),
    workspaces: unite(
      parts.map((p) => p.workspaces),
      (w) => lower(w.id),
    ),
    storage: unite(
      parts.map((p) => p.storage),
      (s) => lower(s.id),
    ),
  };
}
