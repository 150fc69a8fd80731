import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeSiem } from "../../analyzers/siem/index.js";
import { type AwsSamplingResult, sampleAwsAccount } from "../../src/collect/sampling/aws.js";
import { applyAwsSampling } from "../../src/collect/sampling/index.js";
import { parseSiemExport } from "../../src/collect/sampling/siem-export.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { AwsAccount, Trail } from "../../src/model/snapshot-aws.js";
import { LOOKUP_EVENTS_LIMIT, TokenBuckets } from "../../src/scan/token-bucket.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";

import {
  A,
  B,
  clients,
  DAY,
  EU_DROPPED,
  REGIONS,
  readTrails,
  SAMPLE_DAYS,
  scenario,
} from "../helpers/siem-aws-scenario.js";

/** Arrival times (ms) of LookupEvents requests per account/region, from the simulator's call log. */
function lookupArrivals(sim: Simulator): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of sim.calls()) {
    if (c.operation !== "LookupEvents") continue;
    const k = `${c.account}/${c.region}`;
    const list = out.get(k) ?? [];
    list.push(Date.parse(c.time) - c.latencyMs);
    out.set(k, list);
  }
  for (const l of out.values()) l.sort((a, b) => a - b);
  return out;
}

function account(
  id: string,
  trails: Trail[],
  r: AwsSamplingResult,
  logGroups: AwsAccount["logGroups"] = [],
): AwsAccount {
  const acc: AwsAccount = {
    accountId: id,
    isManagement: false,
    access: { state: "ok", via: "ambient" },
    regions: REGIONS.map((name) => ({ name, optInStatus: "opt-in-not-required", scanned: true, trailArns: [] })),
    trails,
    eventDataStores: [],
    logGroups,
    buckets: [],
    keys: [],
    samples: [],
    tamper: [],
    errors: [],
  };
  applyAwsSampling(acc, r);
  return acc;
}

function snapshotOf(accounts: AwsAccount[], finishedAt: Date): Snapshot {
  return {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "test" },
    startedAt: finishedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    complete: true,
    options: { clouds: ["aws"], retentionDays: 90, sampleDays: SAMPLE_DAYS, sample: true },
    aws: { accounts },
  };
}

let sim: Simulator;
let trailsA: Trail[];
let trailsB: Trail[];
let resA: AwsSamplingResult;
let resB: AwsSamplingResult;
/** ap-southeast-2 of A sampled again with 35% of requests throttled. */
let resThrottled: AwsSamplingResult;
let throttledSim: Simulator;
/** ap-southeast-2 of A sampled again against a --siem-export file holding exactly its events. */
let resExport: AwsSamplingResult;
/**
 * A sampled again where Logs Insights is denied in us-east-1 (FilterLogEvents fallback), CloudWatch Logs entirely
 * in eu-west-1 (destination unknown) and event history in ap-southeast-2 (source unknown).
 */
let resDenied: AwsSamplingResult;
let deniedSim: Simulator;
let window: { start: Date; end: Date };

beforeAll(async () => {
  sim = await startSimulator({ scenario });
  throttledSim = await startSimulator({ scenario, faults: { throttleRate: 0.35, seed: 3 } });
  deniedSim = await startSimulator({
    scenario,
    faults: {
      deny: [
        { account: A, region: "us-east-1", service: "logs", operation: "StartQuery" },
        { account: A, region: "eu-west-1", service: "logs" },
        { account: A, region: "ap-southeast-2", service: "cloudtrail", operation: "LookupEvents" },
      ],
    },
  });
  trailsA = await readTrails(sim.url, A);
  trailsB = await readTrails(sim.url, B);
  sim.clearCalls();
  const end = new Date();
  window = { start: new Date(end.getTime() - SAMPLE_DAYS * DAY), end };
  const buckets = new TokenBuckets(LOOKUP_EVENTS_LIMIT);
  const common = { regions: REGIONS, window, sampleMax: 200, buckets, pollMs: 100 };
  [resA, resB, resThrottled, resDenied] = await Promise.all([
    sampleAwsAccount({ ...common, accountId: A, trails: trailsA, clients: clients(sim.url, A) }),
    sampleAwsAccount({ ...common, accountId: B, trails: trailsB, clients: clients(sim.url, B) }),
    sampleAwsAccount({
      ...common,
      regions: ["ap-southeast-2"],
      buckets: new TokenBuckets(LOOKUP_EVENTS_LIMIT),
      accountId: A,
      trails: trailsA,
      clients: clients(throttledSim.url, A),
      retentionProof: false,
    }),
    sampleAwsAccount({
      ...common,
      buckets: new TokenBuckets(LOOKUP_EVENTS_LIMIT),
      accountId: A,
      trails: trailsA,
      clients: clients(deniedSim.url, A),
    }),
  ]);
  // What the SIEM holds: every event of the region (exported as CSV by the user).
  const ids = sample(resA, "ap-southeast-2", "privileged").missing.map((m) => m.eventId);
  const csv = `_time,eventID,eventName\n${ids.map((id, i) => `2026-11-0${(i % 9) + 1},"${id}",X`).join("\n")}\n`;
  resExport = await sampleAwsAccount({
    ...common,
    regions: ["ap-southeast-2"],
    accountId: A,
    trails: trailsA,
    clients: clients(sim.url, A),
    siemExport: parseSiemExport(csv, "splunk-export.csv"),
    retentionProof: false,
  });
}, 240_000);

afterAll(async () => {
  await sim?.close();
  await throttledSim?.close();
  await deniedSim?.close();
});

const sample = (r: AwsSamplingResult, region: string, cls: string) =>
  r.samples.find((s) => s.region === region && s.eventClass === cls)!;

describe("AWS sampling", () => {
  it("reports exactly the planted missing events of a covered region by id", () => {
    const s = sample(resA, "us-east-1", "privileged");
    expect(s.state).toBe("ok");
    expect(s.destination).toEqual({ kind: "cloudwatch-logs", id: `arn:aws:logs:us-east-1:${A}:log-group:/alpha/siem` });
    expect(s.sampled).toBeGreaterThan(20);
    expect(s.missing.map((m) => m.eventId).sort()).toEqual(["planted-missing-iam", "planted-missing-sg"]);
    const iam = s.missing.find((m) => m.eventId === "planted-missing-iam")!;
    expect(iam.name).toBe("AttachRolePolicy");
    expect(iam.region).toBe("us-east-1");
    expect(iam.actor).toMatch(/^arn:aws:sts::111111111111:assumed-role\//);
    expect(iam.sourceIp).toBeTruthy();
    expect(s.found).toBe(s.sampled - 2);
  });

  it("shows every sampled event of a region without a trail as missing, destination null", () => {
    const s = sample(resA, "ap-southeast-2", "privileged");
    expect(s.state).toBe("ok");
    expect(s.destination).toBeNull();
    expect(s.sampled).toBeGreaterThanOrEqual(SAMPLE_DAYS - 1);
    expect(s.found).toBe(0);
    expect(s.missing).toHaveLength(s.sampled);
  });

  it("finds failed console logins in us-east-1, and only failures", () => {
    const s = sample(resA, "us-east-1", "failed-login");
    expect(s.state).toBe("ok");
    expect(s.sampled).toBeGreaterThanOrEqual(8);
    expect(s.found).toBe(s.sampled);
    expect(s.missing).toEqual([]);
  });

  it("finds the days a region's events never reached the SIEM", () => {
    const s = sample(resA, "eu-west-1", "privileged");
    const from = Date.parse(EU_DROPPED.from);
    const to = Date.parse(EU_DROPPED.to);
    const gapDays = s.perDay.filter((d) => d.source > 0 && d.siem === 0).map((d) => d.day);
    // Two whole UTC days were dropped, two events each.
    expect(gapDays).toEqual([EU_DROPPED.from.slice(0, 10), new Date(to - DAY).toISOString().slice(0, 10)]);
    expect(s.perDay.filter((d) => gapDays.includes(d.day)).map((d) => d.source)).toEqual([2, 2]);
    for (const day of gapDays) {
      expect(Date.parse(`${day}T23:59:59Z`)).toBeGreaterThan(from);
      expect(Date.parse(`${day}T00:00:00Z`)).toBeLessThan(to);
    }
    expect(s.missing.length).toBe(4);
    for (const m of s.missing) {
      expect(Date.parse(m.time)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(m.time)).toBeLessThan(to);
    }
  });

  it("reads S3 log files under the trail's key prefix when there is no log group", () => {
    for (const region of REGIONS)
      expect(sample(resB, region, "privileged").destination).toEqual({ kind: "s3", id: "s3://bravo-trail/ct/" });
    const s = sample(resB, "us-east-1", "privileged");
    expect(s.state).toBe("ok");
    expect(s.sampled).toBeGreaterThanOrEqual(SAMPLE_DAYS - 1);
    expect(s.found).toBeGreaterThan(s.sampled - 5);
    expect(s.found).toBe(s.sampled - s.missing.length);
  });

  it("reports the StopLogging window with actor and when logging resumed", () => {
    const stop = resB.tamper.find((t) => t.name === "StopLogging")!;
    expect(stop.actor).toBe(`arn:aws:iam::${B}:user/mallory`);
    expect(stop.resource).toBe("bravo-main");
    expect(stop.origin).toBe("event-history");
    const off = Date.parse(stop.resumedAt!) - Date.parse(stop.time);
    expect(Math.round(off / DAY)).toBe(2);
    expect(resB.tamper.map((t) => t.name).sort()).toEqual(["StartLogging", "StopLogging"]);
    expect(resA.tamper).toEqual([]);
    // The stop window is a real loss: bravo's us-east-1 events of those days are not in S3.
    const s = sample(resB, "us-east-1", "privileged");
    const missingDays = new Set(s.missing.map((m) => m.time.slice(0, 10)));
    expect(missingDays.size).toBeGreaterThanOrEqual(1);
    for (const m of s.missing) {
      expect(Date.parse(m.time)).toBeGreaterThan(Date.parse(stop.time));
      expect(Date.parse(m.time)).toBeLessThan(Date.parse(stop.resumedAt!));
    }
  });

  it("finds the oldest stored event of a 30-day log group", () => {
    const o = resA.oldestEvents.find((x) => x.name === "/alpha/siem")!;
    expect(o.oldestEvent.state).toBe("ok");
    if (o.oldestEvent.state !== "ok") return;
    const age = (window.end.getTime() - Date.parse(o.oldestEvent.value.time!)) / DAY;
    expect(age).toBeGreaterThan(28);
    expect(age).toBeLessThanOrEqual(30.01);
  });

  it("never sends more than 2 LookupEvents per second per account-region, and was never throttled", () => {
    const arrivals = lookupArrivals(sim);
    expect(arrivals.size).toBe(6);
    for (const [, times] of arrivals) {
      for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(1000);
    }
    const throttled = sim.calls().filter((c) => c.operation === "LookupEvents" && c.status !== 200);
    expect(throttled).toEqual([]);
    expect(sim.calls().filter((c) => c.write)).toEqual([]);
  });

  it("turns the facts into findings", () => {
    const logGroups: AwsAccount["logGroups"] = [
      {
        arn: `arn:aws:logs:us-east-1:${A}:log-group:/alpha/siem`,
        name: "/alpha/siem",
        accountId: A,
        region: "us-east-1",
        creationTime: new Date(window.end.getTime() - 200 * DAY).toISOString(),
        retentionInDays: 30,
      },
    ];
    const snap = snapshotOf([account(A, trailsA, resA, logGroups), account(B, trailsB, resB)], window.end);
    const findings = analyzeSiem({ snapshot: snap, policy: { retentionDays: 90, suppressions: [] }, now: window.end });
    const fail = (check: string) => findings.filter((f) => f.checkId === check && f.status === "fail");
    const blind = fail("aws.siem.blind-spot").map(
      (f) => `${f.scope.cloud === "aws" ? f.scope.accountId : ""}/${f.scope.cloud === "aws" ? f.scope.region : ""}`,
    );
    expect(blind.sort()).toEqual([`${A}/ap-southeast-2`, `${A}/eu-west-1`, `${A}/us-east-1`, `${B}/us-east-1`].sort());
    const usEast = fail("aws.siem.blind-spot").find(
      (f) => f.scope.cloud === "aws" && f.scope.accountId === A && f.scope.region === "us-east-1",
    )!;
    expect(JSON.stringify(usEast.evidence)).toContain("planted-missing-iam");
    expect(fail("aws.siem.failed-logins-missing")).toEqual([]);
    expect(
      fail("aws.siem.delivery-gap").map((f) =>
        f.scope.cloud === "aws" ? `${f.scope.accountId}/${f.scope.region}` : "",
      ),
    ).toContain(`${A}/eu-west-1`);
    const tamper = fail("aws.tamper.logging-changed");
    expect(tamper).toHaveLength(1);
    expect(tamper[0]!.title).toMatch(/mallory/);
    expect(tamper[0]!.resource).toBe(`arn:aws:cloudtrail:us-east-1:${B}:trail/bravo-main`);
    expect(fail("aws.logs.retention-unproven").map((f) => f.resource)).toEqual(["/alpha/siem"]);
  });

  it("--siem-export with exactly the delivered ids reports no blind spot", () => {
    const ref = sample(resA, "ap-southeast-2", "privileged");
    const s = sample(resExport, "ap-southeast-2", "privileged");
    expect(s.destination).toEqual({ kind: "siem-export", id: "splunk-export.csv" });
    expect(s.state).toBe("ok");
    expect(s.sampled).toBe(ref.sampled);
    expect(s.found).toBe(s.sampled);
    expect(s.missing).toEqual([]);
    const snap = snapshotOf([account(A, trailsA, resExport)], window.end);
    const findings = analyzeSiem({ snapshot: snap, policy: { retentionDays: 90, suppressions: [] }, now: window.end });
    expect(findings.filter((f) => f.checkId === "aws.siem.blind-spot" && f.status === "fail")).toEqual([]);
    expect(findings.filter((f) => f.checkId === "aws.siem.blind-spot" && f.status === "pass").length).toBeGreaterThan(
      0,
    );
  });

  it("retries throttled LookupEvents pages and loses none", () => {
    const faults = throttledSim.calls().filter((c) => c.operation === "LookupEvents" && c.fault === "throttle");
    // Quiet regions are read in one unfiltered page, so there are few lookups to throttle; some were.
    expect(faults.length).toBeGreaterThan(0);
    for (const region of ["ap-southeast-2"]) {
      for (const cls of ["privileged", "failed-login", "root"] as const) {
        const ref = sample(resA, region, cls);
        const s = sample(resThrottled, region, cls);
        expect(s.state).toBe("ok");
        expect(s.sampled).toBe(ref.sampled);
        expect(s.missing.map((m) => m.eventId).sort()).toEqual(ref.missing.map((m) => m.eventId).sort());
      }
    }
    for (const [, times] of lookupArrivals(throttledSim)) {
      for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(1000);
    }
  });
});

describe("fail closed", () => {
  it("falls back to FilterLogEvents patterns when Logs Insights is denied, with the same result", () => {
    const ref = sample(resA, "us-east-1", "privileged");
    const s = sample(resDenied, "us-east-1", "privileged");
    expect(s.state).toBe("ok");
    expect(s.missing.map((m) => m.eventId).sort()).toEqual(ref.missing.map((m) => m.eventId).sort());
    expect(s.sampled).toBe(ref.sampled);
    const filters = deniedSim.calls().filter((c) => c.operation === "FilterLogEvents" && c.status === 200);
    expect(filters.length).toBeGreaterThan(0);
    const oldest = resDenied.oldestEvents.find((o) => o.name === "/alpha/siem")!;
    expect(oldest.oldestEvent.state).toBe("ok");
    if (oldest.oldestEvent.state === "ok") expect(oldest.oldestEvent.value.method).toMatch(/FilterLogEvents/);
  });

  it("is unknown, never found or missing, when the destination cannot be queried", () => {
    const s = sample(resDenied, "eu-west-1", "privileged");
    expect(s.state).toBe("unknown");
    expect(s.error?.kind).toBe("denied");
    expect(s.missing).toEqual([]);
    expect(s.found).toBe(0);
    expect(s.sampled).toBe(sample(resA, "eu-west-1", "privileged").sampled);
  });

  it("is unknown when event history cannot be read, and stops spending the quota there", () => {
    for (const cls of ["privileged", "failed-login", "root"]) {
      const s = sample(resDenied, "ap-southeast-2", cls);
      expect(s.state).toBe("unknown");
      expect(s.error?.code).toMatch(/AccessDenied/);
    }
    const calls = deniedSim.calls().filter((c) => c.operation === "LookupEvents" && c.region === "ap-southeast-2");
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(resDenied.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^ap-southeast-2: /)]);
    const snap = snapshotOf([account(A, trailsA, resDenied)], window.end);
    const findings = analyzeSiem({ snapshot: snap, policy: { retentionDays: 90, suppressions: [] }, now: window.end });
    const tamper = findings.filter((f) => f.checkId === "aws.tamper.logging-changed");
    expect(tamper.map((f) => f.status)).toEqual(["unknown"]);
    const blind = findings.filter(
      (f) => f.checkId === "aws.siem.blind-spot" && f.scope.cloud === "aws" && f.scope.region === "eu-west-1",
    );
    expect(blind.map((f) => f.status)).toEqual(["unknown"]);
  });
});
