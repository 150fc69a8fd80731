/**
 * The AWS coverage rule and the trail checks on hand-made snapshots: the cases a simulator cannot easily produce
 * (an emulator that does not replicate org trails into members, a member whose own view failed, an owner account
 * outside the scan, status errors) and the evidence shape.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { Finding } from "../../src/model/finding.js";
import { type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";

const AT = "2026-11-20T10:00:00.000Z";
const MGMT = "111111111111";
const MEMBER = "222222222222";
const ORG_TRAIL = `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org`;

type AccountInput = NonNullable<SnapshotInput["aws"]>["accounts"][number];
type TrailInput = NonNullable<AccountInput["trails"]>[number];

const denied = (operation: string) => ({
  kind: "denied" as const,
  service: "cloudtrail",
  operation,
  code: "AccessDeniedException",
  message: "not allowed",
  at: AT,
});

function orgTrail(overrides: Partial<TrailInput> = {}): TrailInput {
  return {
    arn: ORG_TRAIL,
    name: "org",
    homeRegion: "us-east-1",
    ownerAccountId: MGMT,
    isMultiRegion: true,
    isOrganization: true,
    includeGlobalServiceEvents: true,
    logFileValidationEnabled: true,
    kmsKeyId: `arn:aws:kms:us-east-1:${MGMT}:key/k`,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${MGMT}:log-group:org:*`,
    s3BucketName: "org-bucket",
    hasCustomEventSelectors: true,
    status: {
      state: "ok",
      value: { isLogging: true, latestDeliveryTime: AT, latestCloudWatchLogsDeliveryTime: AT, startLoggingTime: AT },
    },
    selectors: {
      kind: "advanced",
      advancedEventSelectors: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }],
    },
    seenInRegions: ["us-east-1", "eu-west-1"],
    ...overrides,
  };
}

function region(
  name: string,
  trailArns: string[] = [],
  optInStatus: "opt-in-not-required" | "opted-in" | "not-opted-in" = "opt-in-not-required",
) {
  return { name, optInStatus, scanned: optInStatus !== "not-opted-in", trailArns };
}

function snapshot(accounts: AccountInput[], org = true): SnapshotInput {
  return {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: AT,
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws"], retentionDays: 90, sampleDays: 7, sample: false },
    aws: {
      caller: { accountId: MGMT, arn: `arn:aws:iam::${MGMT}:user/auditor` },
      ...(org ? { organization: { id: "o-abcdefghij", managementAccountId: MGMT } } : {}),
      accounts,
    },
  };
}

const mgmtAccount = (trail: TrailInput = orgTrail(), extraRegions: ReturnType<typeof region>[] = []): AccountInput => ({
  accountId: MGMT,
  isManagement: true,
  access: { state: "ok", via: "ambient" },
  regions: [region("us-east-1", [ORG_TRAIL]), region("eu-west-1", [ORG_TRAIL]), ...extraRegions],
  trails: [trail],
});

function run(input: SnapshotInput) {
  return analyze(SnapshotSchema.parse(input), { retentionDays: 90, suppressions: [] });
}

function cellOf(a: ReturnType<typeof run>, account: string, r: string) {
  return a.coverage.find((c) => c.scope.cloud === "aws" && c.scope.accountId === account && c.scope.region === r);
}

function one(a: ReturnType<typeof run>, checkId: string, pred: (f: Finding) => boolean = () => true): Finding {
  const hits = a.findings.filter((f) => f.checkId === checkId && pred(f));
  expect(hits, checkId).toHaveLength(1);
  return hits[0]!;
}

describe("organization trails in member accounts", () => {
  it("a member whose own view of the org trail failed is covered by the management account's view", () => {
    const member: AccountInput = {
      accountId: MEMBER,
      access: { state: "ok", via: "assume-role" },
      regions: [region("us-east-1", [ORG_TRAIL]), region("eu-west-1", [ORG_TRAIL])],
      trails: [
        orgTrail({
          status: { state: "error", error: denied("GetTrailStatus") },
          selectors: { kind: "managed-centrally", error: denied("GetEventSelectors") },
        }),
      ],
    };
    const a = run(snapshot([mgmtAccount(), member]));
    expect(cellOf(a, MEMBER, "eu-west-1")?.status).toBe("covered");
    expect(cellOf(a, MEMBER, "eu-west-1")?.reasons.join(" ")).toContain("trail org");
    // One finding per trail, from the owner's view: no unknown echo from the member.
    expect(one(a, "aws.trail.not-logging", (f) => f.resource === ORG_TRAIL).status).toBe("pass");
  });

  it("credits the org trail from the management view even when the member's listing lacks it, in regions the management account enabled", () => {
    const member: AccountInput = {
      accountId: MEMBER,
      access: { state: "ok", via: "assume-role" },
      regions: [region("us-east-1"), region("eu-west-1"), region("eu-south-1", [], "opted-in")],
    };
    const a = run(snapshot([mgmtAccount(orgTrail(), [region("eu-south-1", [], "not-opted-in")]), member]));
    expect(cellOf(a, MEMBER, "us-east-1")?.status).toBe("covered");
    expect(cellOf(a, MEMBER, "eu-west-1")?.status).toBe("covered");
    // An opt-in region the management account has not enabled is not reached by its multi-region trail.
    expect(cellOf(a, MEMBER, "eu-south-1")?.status).toBe("uncovered");
    expect(cellOf(a, MGMT, "eu-south-1")?.status).toBe("n/a");
    expect(
      one(
        a,
        "aws.trail.region-uncovered",
        (f) => f.scope.cloud === "aws" && f.scope.accountId === MEMBER && f.scope.region === "eu-south-1",
      ).status,
    ).toBe("fail");
  });

  it("without the management account's view, centrally managed custom selectors are unknown, not a gap", () => {
    const member: AccountInput = {
      accountId: MEMBER,
      access: { state: "ok", via: "ambient" },
      regions: [region("us-east-1", [ORG_TRAIL])],
      trails: [orgTrail({ selectors: { kind: "managed-centrally", error: denied("GetEventSelectors") } })],
    };
    const a = run(snapshot([member], false));
    expect(cellOf(a, MEMBER, "us-east-1")?.status).toBe("unknown");
    expect(one(a, "aws.trail.region-uncovered").status).toBe("unknown");
    expect(one(a, "aws.trail.mgmt-events-partial").status).toBe("unknown");
    expect(a.findings.filter((f) => f.status === "fail" && f.checkId.startsWith("aws.trail."))).toEqual([]);
  });

  it("... and covered when DescribeTrails says the org trail uses the default selectors", () => {
    const member: AccountInput = {
      accountId: MEMBER,
      access: { state: "ok", via: "ambient" },
      regions: [region("us-east-1", [ORG_TRAIL])],
      trails: [orgTrail({ hasCustomEventSelectors: false, selectors: { kind: "managed-centrally" } })],
    };
    expect(cellOf(run(snapshot([member], false)), MEMBER, "us-east-1")?.status).toBe("covered");
  });
});

describe("regions left out by --regions", () => {
  it("a member scanned alone with --regions eu-west-1 still sees the org trail capture global events in us-east-1", () => {
    const member: AccountInput = {
      accountId: MEMBER,
      access: { state: "ok", via: "ambient" },
      regions: [{ ...region("us-east-1"), scanned: false }, region("eu-west-1", [ORG_TRAIL])],
      trails: [
        orgTrail({
          hasCustomEventSelectors: false,
          selectors: { kind: "managed-centrally" },
          seenInRegions: ["eu-west-1"],
        }),
      ],
    };
    const a = run(snapshot([member], false));
    expect(one(a, "aws.trail.global-events-missing").status).toBe("pass");
    expect(cellOf(a, MEMBER, "us-east-1")?.status).toBe("unknown");
    expect(cellOf(a, MEMBER, "eu-west-1")?.status).toBe("covered");
  });
});

describe("fail closed", () => {
  it("a trail whose status cannot be read makes the cell unknown, never covered", () => {
    const a = run(snapshot([mgmtAccount(orgTrail({ status: { state: "error", error: denied("GetTrailStatus") } }))]));
    expect(cellOf(a, MGMT, "us-east-1")?.status).toBe("unknown");
    expect(one(a, "aws.trail.not-logging").status).toBe("unknown");
    expect(one(a, "aws.trail.delivery-failing").status).toBe("unknown");
    expect(
      one(a, "aws.trail.region-uncovered", (f) => f.scope.cloud === "aws" && f.scope.region === "us-east-1").status,
    ).toBe("unknown");
  });

  it("destinations that were not read are unknown", () => {
    const a = run(snapshot([mgmtAccount()]));
    for (const id of [
      "aws.kms.rotation-disabled",
      "aws.bucket.not-worm",
      "aws.bucket.expires-early",
      "aws.bucket.public",
      "aws.logs.retention-short",
    ]) {
      expect(one(a, id).status, id).toBe("unknown");
    }
  });

  it("a ListAccounts failure fails aws.org.account-unscanned for the organization", () => {
    const input = snapshot([mgmtAccount()]);
    input.aws!.organization!.error = { ...denied("ListAccounts"), service: "organizations" };
    const f = one(run(input), "aws.org.account-unscanned", (x) => x.resource.startsWith("aws:organization:"));
    expect(f.status).toBe("fail");
    expect(f.title).toContain("o-abcdefghij");
  });
});

describe("delivery and evidence", () => {
  it("delivery older than 24 h before the snapshot's finish time fails, with the API values as evidence", () => {
    const old = "2026-11-18T09:00:00.000Z";
    const a = run(
      snapshot([
        mgmtAccount(
          orgTrail({
            status: { state: "ok", value: { isLogging: true, latestDeliveryTime: old, startLoggingTime: old } },
          }),
        ),
      ]),
    );
    const f = one(a, "aws.trail.delivery-failing");
    expect(f.status).toBe("fail");
    expect(f.evidence).toContainEqual({
      label: "LatestDeliveryTime",
      value: old,
      source: "cloudtrail:GetTrailStatus",
      at: old,
    });
    expect(f.scope).toEqual({ cloud: "aws", accountId: MGMT, region: "us-east-1" });
    expect(f.controls.length).toBeGreaterThan(0);
  });

  it("a stopped trail skips delivery-failing but fails not-logging", () => {
    const a = run(
      snapshot([mgmtAccount(orgTrail({ status: { state: "ok", value: { isLogging: false, stopLoggingTime: AT } } }))]),
    );
    expect(a.findings.filter((f) => f.checkId === "aws.trail.delivery-failing")).toEqual([]);
    expect(one(a, "aws.trail.not-logging").status).toBe("fail");
    expect(cellOf(a, MGMT, "eu-west-1")?.status).toBe("uncovered");
  });
});

describe("scale", () => {
  it("analyzes 1,000 accounts × 17 regions with an org trail and a trail per account in seconds", () => {
    const regions = [
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
      "ap-south-1",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-southeast-1",
      "ap-southeast-2",
      "ca-central-1",
      "eu-central-1",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "eu-north-1",
      "sa-east-1",
    ];
    const accounts: AccountInput[] = [
      mgmtAccount(
        orgTrail(),
        regions.slice(2).map((r) => region(r, [ORG_TRAIL])),
      ),
    ];
    for (let i = 0; i < 1000; i++) {
      const id = String(300000000000 + i);
      const own = `arn:aws:cloudtrail:eu-west-1:${id}:trail/own`;
      accounts.push({
        accountId: id,
        access: { state: "ok", via: "assume-role" },
        regions: regions.map((r) => region(r, r === "eu-west-1" ? [ORG_TRAIL, own] : [ORG_TRAIL])),
        trails: [
          orgTrail({ selectors: { kind: "managed-centrally" }, seenInRegions: regions }),
          orgTrail({
            arn: own,
            name: "own",
            homeRegion: "eu-west-1",
            ownerAccountId: id,
            isMultiRegion: false,
            isOrganization: false,
            seenInRegions: ["eu-west-1"],
          }),
        ],
      });
    }
    const started = Date.now();
    const a = run(snapshot(accounts));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(a.coverage.filter((c) => c.status === "covered")).toHaveLength(1001 * 17);
  }, 60_000);
});
