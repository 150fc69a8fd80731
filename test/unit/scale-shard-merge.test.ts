/** The shard function and mergeSnapshots: deterministic split, union, times, completeness, refusals. */
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { mergeSnapshots } from "../../src/scan/merge.js";
import { inShard, shardOf } from "../../src/scan/shard.js";
import { parseSnapshot } from "../../src/snapshot/io.js";

function snap(
  k: number,
  n: number,
  o: { accounts?: string[]; subs?: string[]; start: string; end: string; complete?: boolean; version?: string },
): Snapshot {
  return parseSnapshot({
    schemaVersion: 1,
    tool: { name: "blindspot", version: o.version ?? "1.0.0" },
    startedAt: o.start,
    finishedAt: o.end,
    complete: o.complete ?? true,
    options: {
      clouds: ["aws", "azure"],
      retentionDays: 90,
      sampleDays: 7,
      sample: false,
      shard: { index: k, count: n },
    },
    aws: {
      caller: { accountId: "111111111111", arn: "arn:aws:iam::111111111111:root" },
      accounts: (o.accounts ?? []).map((accountId) => ({
        accountId,
        isManagement: false,
        access: { state: "ok", via: "assume-role" },
        regions: [],
      })),
    },
    azure: {
      tenants: [{ tenantId: "T1" }],
      subscriptions: (o.subs ?? []).map((subscriptionId) => ({
        subscriptionId,
        state: "Enabled",
        access: { state: "ok" },
      })),
    },
  });
}

describe("shard", () => {
  it("is deterministic, case-insensitive and splits 1,000 ids roughly evenly", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => String(100_000_000_000 + i * 7919));
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[shardOf(id, 4) - 1]!++;
    for (const c of counts) expect(c).toBeGreaterThan(200);
    expect(shardOf("ABCDEF00-0000-0000-0000-000000000001", 7)).toBe(shardOf("abcdef00-0000-0000-0000-000000000001", 7));
    for (const id of ids.slice(0, 50)) {
      expect([1, 2, 3].filter((k) => inShard(id, { index: k, count: 3 }))).toHaveLength(1);
    }
    expect(inShard("x", undefined)).toBe(true);
  });
});

describe("mergeSnapshots", () => {
  const a = snap(1, 2, {
    accounts: ["222222222222"],
    subs: ["S1"],
    start: "2026-01-01T10:00:00.000Z",
    end: "2026-01-01T10:05:00.000Z",
  });
  const b = snap(2, 2, {
    accounts: ["111111111111", "333333333333"],
    subs: ["S2"],
    start: "2026-01-01T09:59:00.000Z",
    end: "2026-01-01T10:07:00.000Z",
  });

  it("unites scopes, keeps the earliest start and latest finish, drops the shard", () => {
    const { snapshot, missingShards } = mergeSnapshots([
      { name: "a", snapshot: a },
      { name: "b", snapshot: b },
    ]);
    expect(missingShards).toEqual([]);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.startedAt).toBe("2026-01-01T09:59:00.000Z");
    expect(snapshot.finishedAt).toBe("2026-01-01T10:07:00.000Z");
    expect(snapshot.options.shard).toBeUndefined();
    expect(snapshot.aws?.accounts.map((x) => x.accountId)).toEqual(["111111111111", "222222222222", "333333333333"]);
    expect(snapshot.azure?.subscriptions.map((x) => x.subscriptionId).sort()).toEqual(["S1", "S2"]);
    expect(snapshot.azure?.tenants).toHaveLength(1);
  });

  it("is incomplete when a shard is incomplete or missing", () => {
    const c = snap(2, 2, { start: a.startedAt, end: a.finishedAt, complete: false });
    expect(
      mergeSnapshots([
        { name: "a", snapshot: a },
        { name: "c", snapshot: c },
      ]).snapshot.complete,
    ).toBe(false);
    const only = mergeSnapshots([{ name: "a", snapshot: a }]);
    expect(only.missingShards).toEqual([2]);
    expect(only.snapshot.complete).toBe(false);
  });

  it("refuses other versions, other shard counts and duplicate shards with one-line exit-2 errors", () => {
    const cases: [Snapshot, RegExp][] = [
      [snap(2, 2, { start: a.startedAt, end: a.finishedAt, version: "9.9.9" }), /written by blindspot 9.9.9/],
      [snap(2, 3, { start: a.startedAt, end: a.finishedAt }), /shard 2\/3, the others are of 2/],
      [snap(1, 2, { start: a.startedAt, end: a.finishedAt }), /both shard 1\/2/],
    ];
    for (const [other, msg] of cases) {
      let err: unknown;
      try {
        mergeSnapshots([
          { name: "a", snapshot: a },
          { name: "x", snapshot: other },
        ]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(2);
      expect((err as UserError).message).toMatch(msg);
      expect((err as UserError).message).not.toContain("\n");
    }
  });
});
