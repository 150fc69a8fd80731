import { describe, expect, it } from "vitest";
import { ANALYZERS } from "../../analyzers/index.js";
import { formatDuration, judgeGaps, judgeRetention } from "../../analyzers/siem/common.js";
import { analyzeSiem, SIEM_ANALYZERS } from "../../analyzers/siem/index.js";
import type { SampleResult, TamperEvent } from "../../src/model/samples.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { AwsAccount } from "../../src/model/snapshot-aws.js";

const NOW = new Date("2026-11-27T12:00:00.000Z");
const DAY = 86_400_000;
const ago = (d: number) => new Date(NOW.getTime() - d * DAY).toISOString();
const ACC = "123456789012";

function sample(p: Partial<SampleResult> & Pick<SampleResult, "eventClass">): SampleResult {
  return {
    region: "eu-west-1",
    window: { start: ago(7), end: NOW.toISOString() },
    source: { service: "cloudtrail", operation: "LookupEvents" },
    destination: { kind: "cloudwatch-logs", id: `arn:aws:logs:eu-west-1:${ACC}:log-group:siem` },
    state: "ok",
    sampled: 0,
    found: 0,
    missing: [],
    perDay: [],
    capped: false,
    ...p,
  };
}

function snap(account: Partial<AwsAccount>): Snapshot {
  return {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "t" },
    startedAt: NOW.toISOString(),
    finishedAt: NOW.toISOString(),
    complete: true,
    options: { clouds: ["aws"], retentionDays: 90, sampleDays: 7, sample: true },
    aws: {
      accounts: [
        {
          accountId: ACC,
          isManagement: false,
          access: { state: "ok", via: "ambient" },
          regions: [],
          trails: [],
          eventDataStores: [],
          logGroups: [],
          buckets: [],
          keys: [],
          samples: [],
          tamper: [],
          errors: [],
          ...account,
        },
      ],
    },
  };
}

const run = (s: Snapshot) => analyzeSiem({ snapshot: s, policy: { retentionDays: 90, suppressions: [] }, now: NOW });
const of = (fs: ReturnType<typeof run>, check: string) => fs.filter((f) => f.checkId === check);

describe("siem analyzers", () => {
  it("are registered in ANALYZERS", () => {
    for (const a of SIEM_ANALYZERS) expect(ANALYZERS).toContain(a);
  });

  it("fail with the missing event ids, pass when all arrived, say nothing when nothing was sampled", () => {
    const missing = [{ eventId: "e-1", time: ago(2), name: "PutBucketPolicy", actor: "arn:aws:iam::1:user/x" }];
    const fs = run(
      snap({
        samples: [
          sample({ eventClass: "privileged", sampled: 10, found: 9, missing }),
          sample({ eventClass: "failed-login", sampled: 3, found: 3 }),
          sample({ eventClass: "root", sampled: 0 }),
          sample({ eventClass: "privileged", region: "us-west-2", sampled: 0 }),
        ],
      }),
    );
    const blind = of(fs, "aws.siem.blind-spot");
    expect(blind.map((f) => f.status)).toEqual(["fail"]);
    expect(blind[0]!.title).toMatch(/^1 of 10 sampled/);
    expect(JSON.stringify(blind[0]!.evidence)).toContain("e-1");
    expect(of(fs, "aws.siem.failed-logins-missing").map((f) => f.status)).toEqual(["pass"]);
  });

  it("is unknown when the destination could not be queried", () => {
    const error = {
      kind: "denied" as const,
      service: "logs",
      operation: "StartQuery",
      code: "AccessDeniedException",
      message: "no",
      at: NOW.toISOString(),
    };
    const fs = run(snap({ samples: [sample({ eventClass: "privileged", sampled: 5, state: "unknown", error })] }));
    expect(of(fs, "aws.siem.blind-spot").map((f) => f.status)).toEqual(["unknown"]);
  });

  it("reports delivery gap days only where delivery works on other days", () => {
    const perDay = [
      { day: "2026-11-24", source: 3, siem: 3 },
      { day: "2026-11-25", source: 2, siem: 0 },
      { day: "2026-11-26", source: 0, siem: 0 },
      { day: "2026-11-27", source: 1, siem: 1 },
    ];
    const v = judgeGaps([sample({ eventClass: "privileged", perDay })]);
    expect(v.status).toBe("fail");
    if (v.status === "fail") expect(v.gapDays.map((d) => d.day)).toEqual(["2026-11-25"]);
    // classes add up: a day with a found failed login is not a gap
    const other = sample({ eventClass: "failed-login", perDay: [{ day: "2026-11-25", source: 1, siem: 1 }] });
    expect(judgeGaps([sample({ eventClass: "privileged", perDay }), other]).status).toBe("pass");
    // nothing ever arrived: a blind spot, not a gap
    const none = perDay.map((d) => ({ ...d, siem: 0 }));
    expect(judgeGaps([sample({ eventClass: "privileged", perDay: none })]).status).toBe("none");
    expect(judgeGaps([sample({ eventClass: "privileged", destination: null, perDay })]).status).toBe("none");
    expect(
      judgeGaps([sample({ eventClass: "privileged", perDay: [{ day: "2026-11-25", source: 2, siem: null }] })]).status,
    ).toBe("unknown");
    // a lone missing event is a blind spot, not a gap day
    const lone = [...perDay.slice(0, 1), { day: "2026-11-25", source: 1, siem: 0 }];
    expect(judgeGaps([sample({ eventClass: "privileged", perDay: lone })]).status).toBe("pass");
    // the day the window ends in is still open (events in flight): never a gap
    const today = NOW.toISOString().slice(0, 10);
    const open = [...perDay.slice(0, 1), { day: today, source: 4, siem: 0 }];
    expect(judgeGaps([sample({ eventClass: "privileged", perDay: open })]).status).toBe("pass");
    const fs = run(snap({ samples: [sample({ eventClass: "privileged", sampled: 6, found: 4, perDay })] }));
    const gap = of(fs, "aws.siem.delivery-gap");
    expect(gap.map((f) => f.status)).toEqual(["fail"]);
    expect(gap[0]!.title).toContain("2026-11-25");
  });

  it("reports who stopped logging, when, and for how long", () => {
    const tamper: TamperEvent[] = [
      {
        eventId: "t1",
        time: ago(10),
        name: "StopLogging",
        actor: "arn:aws:iam::1:user/mallory",
        region: "us-east-1",
        resource: "main",
        resumedAt: ago(7.5),
        origin: "event-history",
      },
      { eventId: "t2", time: ago(7.5), name: "StartLogging", actor: "arn:aws:iam::1:user/admin", region: "us-east-1" },
    ];
    const fs = run(snap({ samples: [sample({ eventClass: "privileged" })], tamper }));
    const t = of(fs, "aws.tamper.logging-changed");
    expect(t).toHaveLength(1);
    expect(t[0]!.status).toBe("fail");
    expect(t[0]!.title).toBe(
      `StopLogging on main by arn:aws:iam::1:user/mallory at ${ago(10)}: logging off for 2d 12h (resumed ${ago(7.5)}) (+1 more change)`,
    );
    expect(t[0]!.evidence[0]!.value).toMatchObject({ loggingOffHours: 60 });
    // an account without tamper events passes; an unsampled account says nothing
    expect(
      of(run(snap({ samples: [sample({ eventClass: "privileged" })] })), "aws.tamper.logging-changed")[0]!.status,
    ).toBe("pass");
    expect(of(run(snap({})), "aws.tamper.logging-changed")).toEqual([]);
    expect(formatDuration(45 * 60_000)).toBe("45m");
    expect(formatDuration(3 * 3_600_000 + 60_000)).toBe("3h 1m");
  });

  it("proves retention from the oldest stored event vs min(threshold, age)", () => {
    const ok = (t: string | null) => ({
      state: "ok" as const,
      value: { time: t, method: "m", readAt: NOW.toISOString() },
    });
    expect(judgeRetention(ok(ago(30)), ago(200), 90, NOW)).toMatchObject({ status: "fail", expectedDays: 90 });
    expect(judgeRetention(ok(ago(89.5)), ago(200), 90, NOW).status).toBe("pass");
    expect(judgeRetention(ok(ago(30)), ago(30), 90, NOW).status).toBe("pass"); // a young group holds all it can
    expect(judgeRetention(ok(null), ago(40), 90, NOW)).toMatchObject({ status: "fail", oldestAgeDays: null });
    expect(judgeRetention(ok(ago(95)), undefined, 90, NOW).status).toBe("pass");
    const err = {
      state: "error" as const,
      error: {
        kind: "denied" as const,
        service: "logs",
        operation: "StartQuery",
        code: "X",
        message: "m",
        at: NOW.toISOString(),
      },
    };
    expect(judgeRetention(err, ago(200), 90, NOW).status).toBe("unknown");
    const fs = run(
      snap({
        logGroups: [
          {
            arn: `arn:aws:logs:eu-west-1:${ACC}:log-group:siem:*`,
            name: "siem",
            accountId: ACC,
            region: "eu-west-1",
            creationTime: ago(200),
            retentionInDays: 30,
            oldestEvent: ok(ago(30)),
          },
          { arn: "arn:x", name: "other", accountId: ACC, region: "eu-west-1" },
        ],
      }),
    );
    const r = of(fs, "aws.logs.retention-unproven");
    expect(r.map((f) => [f.status, f.resource])).toEqual([["fail", "siem"]]);
    expect(r[0]!.title).toBe("siem holds only 30 days of events; 90 days expected");
  });
});
