import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { AwsModel } from "../../src/sim/aws/model.js";
import { FaultEngine, mergeFaults, parseFaultSpec } from "../../src/sim/faults.js";
import { generateScenario } from "../../src/sim/generate.js";
import { loadScenarioFile, parseScenario } from "../../src/sim/scenario/index.js";
import { resolveTime } from "../../src/sim/scenario/time.js";
import { demoScenario } from "../../src/sim/scenarios/demo.js";
import { DEMO_ACCOUNTS, demoAwsPlanted } from "../../src/sim/scenarios/demo-aws.js";

const dir = mkdtempSync(join(tmpdir(), "bs-scn-"));
const minimal = { name: "t", aws: { accounts: [{ id: "123456789012", name: "solo" }] } };

describe("scenario validation", () => {
  it("accepts a minimal scenario and fills defaults", () => {
    const s = parseScenario(minimal);
    expect(s.aws?.accounts[0]).toMatchObject({ status: "ACTIVE", roles: [{ name: "OrganizationAccountAccessRole" }] });
    expect(s.aws?.trails).toEqual([]);
  });

  it("turns the first zod problem into a one-line UserError naming its path", () => {
    const bad = {
      name: "t",
      aws: {
        accounts: [{ id: "123456789012", name: "solo" }],
        trails: [
          { name: "trail-1", account: "123456789012", homeRegion: "eu-west-1", s3Bucket: "b" },
          { name: "trail-2", account: "123456789012", homeRegion: "Europe", s3Bucket: "b" },
        ],
      },
    };
    let err: unknown;
    try {
      parseScenario(bad, "my.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      "my.yaml: aws.trails[1].homeRegion: not an AWS region name (e.g. eu-west-1)",
    );
    expect((err as UserError).message).not.toContain("\n");
    expect(() => parseScenario({ name: "t", aws: { accounts: [{ id: "12", name: "x" }] } })).toThrow(
      "scenario: aws.accounts[0].id: an AWS account id is 12 digits",
    );
    expect(() =>
      parseScenario({
        name: "t",
        aws: { ...minimal.aws, streams: [{ account: "123456789012", region: "us-east-1", from: "yesterday" }] },
      }),
    ).toThrow("aws.streams[0].from: not a time");
  });

  it("loads YAML and JSON files and reports unreadable or invalid files in one line", () => {
    const y = join(dir, "s.yaml");
    writeFileSync(y, "name: from-yaml\naws:\n  accounts:\n    - id: '123456789012'\n      name: solo\n");
    expect(loadScenarioFile(y).name).toBe("from-yaml");
    const j = join(dir, "s.json");
    writeFileSync(j, JSON.stringify(minimal));
    expect(loadScenarioFile(j).aws?.accounts).toHaveLength(1);
    writeFileSync(join(dir, "broken.json"), "{ nope");
    expect(() => loadScenarioFile(join(dir, "broken.json"))).toThrow(/broken\.json: not valid JSON/);
    expect(() => loadScenarioFile(join(dir, "missing.yaml"))).toThrow(
      /cannot read scenario file .*missing\.yaml \(ENOENT\)/,
    );
    writeFileSync(join(dir, "noname.yaml"), "aws: {}\n");
    expect(() => loadScenarioFile(join(dir, "noname.yaml"))).toThrow(/noname\.yaml: name: /);
  });
});

describe("relative times", () => {
  it("resolves scenario times against the simulator start", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    expect(resolveTime("-3d", now).toISOString()).toBe("2026-11-24T12:00:00.000Z");
    expect(resolveTime("-2h30m", now).toISOString()).toBe("2026-11-27T09:30:00.000Z");
    const model = new AwsModel(
      parseScenario({
        name: "t",
        aws: {
          accounts: [{ id: "123456789012", name: "solo" }],
          streams: [
            { account: "123456789012", region: "eu-west-1", events: [{ id: "fixed-1", at: "-3d", name: "CreateVpc" }] },
          ],
        },
      }).aws!,
      now,
    );
    const events = model.events("123456789012", "eu-west-1");
    expect(events.map((e) => [e.id, new Date(e.time).toISOString()])).toEqual([
      ["fixed-1", "2026-11-24T12:00:00.000Z"],
    ]);
  });
});

describe("faults", () => {
  it("parses the --faults flag", () => {
    expect(
      parseFaultSpec(
        "latency=50,jitter=10,throttle=0.1,5xx=0.02,timeout=0.01,timeoutMs=200,seed=7,deny=kms@222222222222/eu-west-1,deny=cloudtrail:LookupEvents",
      ),
    ).toEqual({
      latencyMs: 50,
      jitterMs: 10,
      throttleRate: 0.1,
      serverErrorRate: 0.02,
      timeoutRate: 0.01,
      timeoutMs: 200,
      seed: 7,
      deny: [
        { service: "kms", account: "222222222222", region: "eu-west-1" },
        { service: "cloudtrail", operation: "LookupEvents" },
      ],
    });
    expect(() => parseFaultSpec("throttle=2")).toThrow(UserError);
    expect(() => parseFaultSpec("bogus=1")).toThrow('invalid --faults entry "bogus=1"');
  });

  it("is deterministic for a seed", () => {
    const call = {
      cloud: "aws" as const,
      service: "cloudtrail",
      operation: "DescribeTrails",
      write: false,
      account: "1",
      region: "x",
    };
    const run = (seed: number) => {
      const f = new FaultEngine(
        mergeFaults({ throttleRate: 0.3, serverErrorRate: 0.2, jitterMs: 20, latencyMs: 30, seed }),
      );
      return Array.from({ length: 50 }, () => f.decide(call));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const kinds = run(3).map((d) => d.fault ?? "ok");
    expect(kinds.filter((k) => k === "throttle").length).toBeGreaterThan(5);
    expect(kinds.filter((k) => k === "server-error").length).toBeGreaterThan(3);
    for (const d of run(3)) expect(d.delayMs).toBeGreaterThanOrEqual(10);
  });
});

describe("generator", () => {
  it("builds 1,000 accounts quickly and deterministically", () => {
    const t0 = performance.now();
    const a = generateScenario({ accounts: 1000, seed: 42 });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(a.aws?.accounts).toHaveLength(1000);
    expect(generateScenario({ accounts: 1000, seed: 42 })).toEqual(a);
    expect(generateScenario({ accounts: 1000, seed: 43 }).aws).not.toEqual(a.aws);
    const m1 = new AwsModel(a.aws!, new Date("2026-11-27T00:00:00Z"));
    const m2 = new AwsModel(generateScenario({ accounts: 1000, seed: 42 }).aws!, new Date("2026-11-27T00:00:00Z"));
    const acct = a.aws!.accounts[500]!.id;
    expect(m1.events(acct, "us-east-1").map((e) => e.id)).toEqual(m2.events(acct, "us-east-1").map((e) => e.id));
    expect(m1.events(acct, "us-east-1").length).toBeGreaterThan(10);
  });
});

describe("demo scenario", () => {
  it("validates, and every planted gap points at accounts and resources that exist", () => {
    const s = demoScenario();
    const aws = s.aws!;
    const ids = new Set(aws.accounts.map((a) => a.id));
    expect(ids).toEqual(new Set(Object.values(DEMO_ACCOUNTS)));
    expect(aws.organization?.managementAccountId).toBe(DEMO_ACCOUNTS.management);
    const resources = new Set([
      ...aws.trails.map((t) => `arn:aws:cloudtrail:${t.homeRegion}:${t.account}:trail/${t.name}`),
      ...aws.buckets.map((b) => b.name),
      ...aws.logGroups.map((g) => g.name),
      ...aws.kmsKeys.map((k) => `arn:aws:kms:${k.region}:${k.account}:key/${k.id}`),
    ]);
    for (const p of demoAwsPlanted) {
      expect(ids.has(p.account), p.checkId).toBe(true);
      if (p.resource) expect(resources.has(p.resource), `${p.checkId} ${p.resource}`).toBe(true);
    }
    expect(new Set(demoAwsPlanted.map((p) => p.checkId)).size).toBeGreaterThanOrEqual(17);
  });

  it("plants a StopLogging gap: the org trail delivered nothing between -20d and -17d", () => {
    const now = new Date();
    const model = new AwsModel(demoScenario().aws!, now);
    const org = model.trails.find((t) => t.name === "acme-org-trail")!;
    const events = model.events(DEMO_ACCOUNTS.production, "eu-west-1");
    const inGap = events.filter(
      (e) => e.time > now.getTime() - 20 * 86_400_000 + 60_000 && e.time < now.getTime() - 17 * 86_400_000,
    );
    expect(inGap.length).toBeGreaterThan(5);
    expect(inGap.every((e) => !e.cw?.includes(org.arn) && !e.s3?.includes(org.arn))).toBe(true);
    const outside = events.filter((e) => e.time > now.getTime() - 10 * 86_400_000);
    expect(outside.every((e) => e.cw?.includes(org.arn))).toBe(true);
  });
});

describe("docs/scenarios.md", () => {
  it("its example scenario validates", () => {
    const md = readFileSync(join(import.meta.dirname, "../../docs/scenarios.md"), "utf8");
    const block = /## Example\s+```yaml\n([\s\S]*?)```/.exec(md)?.[1];
    expect(block).toBeDefined();
    const file = join(dir, "example.yaml");
    writeFileSync(file, block!);
    const s = loadScenarioFile(file);
    expect(s.aws?.trails[0]?.organization).toBe(true);
    expect(s.faults?.deny).toHaveLength(1);
  });
});
