import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListEventDataStoresCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  paginateListTrails,
  paginateLookupEvents,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateBucketCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_ACCOUNTS, DEMO_TRAILS } from "../../src/sim/scenarios/demo-aws.js";

const { management: MGMT, production: PROD, staging: STG, dataPlatform: DATA } = DEMO_ACCOUNTS;
let sim: Simulator;

function ct(region: string, account: string = MGMT, opts: { maxAttempts?: number } = {}): CloudTrailClient {
  return new CloudTrailClient({
    endpoint: sim.url,
    region,
    credentials: { accessKeyId: `AKIASIM${account}X`, secretAccessKey: sim.env.AWS_SECRET_ACCESS_KEY! },
    ...opts,
  });
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("CloudTrail trails: shadow and organization trails", () => {
  it("shows the multi-region org trail in another region of the management account as a shadow trail", async () => {
    const r = await ct("eu-west-1").send(new DescribeTrailsCommand({}));
    expect(r.trailList?.map((t) => t.TrailARN)).toEqual([DEMO_TRAILS.org]);
    expect(r.trailList?.[0]).toMatchObject({
      HomeRegion: "us-east-1",
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
    });
    const noShadow = await ct("eu-west-1").send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    expect(noShadow.trailList).toEqual([]);
  });

  it("a member account sees the org trail as a shadow trail carrying the management account's ARN", async () => {
    const r = await ct("eu-west-1", STG).send(new DescribeTrailsCommand({}));
    expect(r.trailList?.map((t) => t.TrailARN).sort()).toEqual([DEMO_TRAILS.org, DEMO_TRAILS.stagingLegacy].sort());
    const org = r.trailList?.find((t) => t.IsOrganizationTrail);
    expect(org?.TrailARN).toContain(`:${MGMT}:trail/`);
    const own = await ct("eu-west-1", STG).send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    expect(own.trailList?.map((t) => t.Name)).toEqual(["staging-legacy-trail"]);
  });

  it("a trail name in trailNameList matches only the current region and account; an ARN matches from anywhere", async () => {
    const byName = await ct("eu-west-1").send(new DescribeTrailsCommand({ trailNameList: ["acme-org-trail"] }));
    expect(byName.trailList).toEqual([]);
    const home = await ct("us-east-1").send(new DescribeTrailsCommand({ trailNameList: ["acme-org-trail"] }));
    expect(home.trailList?.map((t) => t.TrailARN)).toEqual([DEMO_TRAILS.org]);
    const byArn = await ct("ap-northeast-1", PROD).send(
      new DescribeTrailsCommand({ trailNameList: [DEMO_TRAILS.org] }),
    );
    expect(byArn.trailList?.map((t) => t.Name)).toEqual(["acme-org-trail"]);
  });

  it("does not replicate the org trail into a member's opt-in region the management account has not enabled", async () => {
    const r = await ct("eu-south-1", DATA).send(new DescribeTrailsCommand({}));
    expect(r.trailList).toEqual([]);
  });

  it("GetTrailStatus works by ARN from any region (also for the org trail from a member), not by a shadow name", async () => {
    const s = await ct("ap-southeast-2", PROD).send(new GetTrailStatusCommand({ Name: DEMO_TRAILS.org }));
    expect(s.IsLogging).toBe(true);
    expect(s.StopLoggingTime).toBeInstanceOf(Date);
    expect(s.StartLoggingTime!.getTime()).toBeGreaterThan(s.StopLoggingTime!.getTime());
    await expect(
      ct("ap-southeast-2", PROD).send(new GetTrailStatusCommand({ Name: "acme-org-trail" })),
    ).rejects.toMatchObject({
      name: "TrailNotFoundException",
    });
    const stopped = await ct("us-east-1", PROD).send(new GetTrailStatusCommand({ Name: DEMO_TRAILS.prodStopped }));
    expect(stopped.IsLogging).toBe(false);
    const failing = await ct("eu-west-1", STG).send(new GetTrailStatusCommand({ Name: "staging-legacy-trail" }));
    expect(failing.LatestDeliveryError).toBe("AccessDenied");
  });

  it("GetEventSelectors fails for the org trail from a member account and works for the owner", async () => {
    await expect(
      ct("eu-west-1", STG).send(new GetEventSelectorsCommand({ TrailName: DEMO_TRAILS.org })),
    ).rejects.toMatchObject({
      name: "CloudTrailARNInvalidException",
      $metadata: { httpStatusCode: 400 },
    });
    const own = await ct("eu-west-1").send(new GetEventSelectorsCommand({ TrailName: DEMO_TRAILS.org }));
    expect(own.EventSelectors).toEqual([
      { ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    const w = await ct("eu-central-1", DATA).send(new GetEventSelectorsCommand({ TrailName: "data-platform-audit" }));
    expect(w.EventSelectors?.[0]?.ReadWriteType).toBe("WriteOnly");
  });

  it("GetTrail, ListTrails with paging, event data stores", async () => {
    const g = await ct("us-east-1").send(new GetTrailCommand({ Name: "acme-org-trail" }));
    expect(g.Trail?.LogFileValidationEnabled).toBe(true);
    const l = await ct("eu-west-1", STG).send(new ListTrailsCommand({}));
    expect(l.Trails?.map((t) => t.Name).sort()).toEqual(["acme-org-trail", "staging-legacy-trail"]);
    const eds = await ct("us-east-1").send(new ListEventDataStoresCommand({}));
    expect(eds.EventDataStores).toHaveLength(1);
    expect(eds.EventDataStores?.[0]?.Status).toBeUndefined();
    const one = await ct("us-east-1").send(
      new GetEventDataStoreCommand({ EventDataStore: eds.EventDataStores![0]!.EventDataStoreArn }),
    );
    expect(one).toMatchObject({ Status: "ENABLED", OrganizationEnabled: true, RetentionPeriod: 2557 });
  });

  it("pages ListTrails with NextToken", async () => {
    const local = await startSimulator({
      scenario: {
        name: "many-trails",
        aws: {
          accounts: [{ id: "123456789012", name: "solo" }],
          buckets: [{ name: "trail-bucket-123456789012", account: "123456789012", region: "us-east-1" }],
          trails: Array.from({ length: 45 }, (_, i) => ({
            name: `trail-${String(i).padStart(2, "0")}`,
            account: "123456789012",
            homeRegion: "us-east-1",
            s3Bucket: "trail-bucket-123456789012",
          })),
        },
      },
    });
    try {
      const client = new CloudTrailClient({
        endpoint: local.url,
        region: "us-east-1",
        credentials: { accessKeyId: local.env.AWS_ACCESS_KEY_ID!, secretAccessKey: "x" },
      });
      const pages: number[] = [];
      const names: string[] = [];
      for await (const p of paginateListTrails({ client }, {})) {
        pages.push(p.Trails?.length ?? 0);
        names.push(...(p.Trails ?? []).map((t) => t.Name!));
      }
      expect(pages).toEqual([20, 20, 5]);
      expect(new Set(names).size).toBe(45);
    } finally {
      await local.close();
    }
  });
});

describe("CloudTrail LookupEvents (event history)", () => {
  it("keeps global service events (IAM) only in us-east-1 and returns newest first", async () => {
    const iamUs = await ct("us-east-1").send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventSource", AttributeValue: "iam.amazonaws.com" }],
        MaxResults: 50,
      }),
    );
    expect(iamUs.Events!.length).toBeGreaterThan(0);
    const times = iamUs.Events!.map((e) => e.EventTime!.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const iamEu = await ct("eu-west-1").send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventSource", AttributeValue: "iam.amazonaws.com" }],
      }),
    );
    expect(iamEu.Events).toEqual([]);
  });

  it("returns full CloudTrail records, including failed console logins", async () => {
    const r = await ct("us-east-1", PROD).send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "ConsoleLogin" }],
        MaxResults: 50,
      }),
    );
    const failures = r.Events!.map((e) => JSON.parse(e.CloudTrailEvent!)).filter((rec) => rec.errorMessage);
    expect(failures.length).toBeGreaterThan(0);
    const f = failures[0];
    expect(f).toMatchObject({
      eventName: "ConsoleLogin",
      eventSource: "signin.amazonaws.com",
      eventType: "AwsConsoleSignIn",
      errorMessage: "Failed authentication",
      responseElements: { ConsoleLogin: "Failure" },
      recipientAccountId: PROD,
      awsRegion: "us-east-1",
    });
    expect(f.additionalEventData.MFAUsed).toBe("No");
    expect(f.eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(f.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("enforces one lookup attribute, MaxResults 1..50, 90 days and time ranges", async () => {
    const c = ct("ca-central-1", PROD, { maxAttempts: 1 });
    await expect(
      c.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: "EventName", AttributeValue: "a" },
            { AttributeKey: "ReadOnly", AttributeValue: "false" },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidLookupAttributesException" });
    await new Promise((r) => setTimeout(r, 600));
    await expect(c.send(new LookupEventsCommand({ MaxResults: 51 }))).rejects.toMatchObject({
      name: "InvalidMaxResultsException",
    });
    await new Promise((r) => setTimeout(r, 600));
    await expect(
      c.send(new LookupEventsCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - 3_600_000) })),
    ).rejects.toMatchObject({ name: "InvalidTimeRangeException" });
  });

  it("pages with NextToken and never returns events older than 90 days", async () => {
    const client = ct("us-east-1", MGMT);
    let pages = 0;
    let oldest = Number.POSITIVE_INFINITY;
    const ids = new Set<string>();
    for await (const p of paginateLookupEvents(
      { client, pageSize: 10 },
      { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AttachRolePolicy" }] },
    )) {
      pages++;
      for (const e of p.Events ?? []) {
        ids.add(e.EventId!);
        oldest = Math.min(oldest, e.EventTime!.getTime());
      }
    }
    expect(pages).toBeGreaterThan(2);
    expect(ids.size).toBeGreaterThan(20);
    expect(Date.now() - oldest).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);
    expect(Date.now() - oldest).toBeGreaterThan(85 * 86_400_000);
  });

  it("throttles above 2 requests/s per account-region; default retries recover", async () => {
    const noRetry = ct("sa-east-1", STG, { maxAttempts: 1 });
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => noRetry.send(new LookupEventsCommand({ MaxResults: 1 }))),
    );
    const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(rejected.length).toBe(1);
    expect(rejected[0]!.reason).toMatchObject({ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
    // Another region of the same account has its own budget.
    await expect(noRetry.send(new LookupEventsCommand({ MaxResults: 1 }))).rejects.toMatchObject({
      name: "ThrottlingException",
    });
    await expect(
      ct("us-west-1", STG, { maxAttempts: 1 }).send(new LookupEventsCommand({ MaxResults: 1 })),
    ).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, 1100));
    const retrying = ct("sa-east-1", STG);
    const ok = await Promise.all([1, 2, 3].map(() => retrying.send(new LookupEventsCommand({ MaxResults: 1 }))));
    expect(ok).toHaveLength(3);
    expect(Math.max(...ok.map((o) => o.$metadata.attempts ?? 1))).toBeGreaterThan(1);
  });

  it("shows the planted StopLogging / StartLogging tamper events with their actors", async () => {
    const r = await ct("us-east-1").send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "StopLogging" }] }),
    );
    expect(r.Events).toHaveLength(1);
    const stop = r.Events!.find((e) => e.EventName === "StopLogging");
    expect(stop?.Username).toBe("dev.contractor");
    const rec = JSON.parse(stop!.CloudTrailEvent!);
    expect(rec.requestParameters).toEqual({ name: "acme-org-trail" });
    expect(rec.sourceIPAddress).toBe("198.51.100.77");
    expect(Math.round((Date.now() - stop!.EventTime!.getTime()) / 86_400_000)).toBe(20);
  });
});

describe("CloudTrail writes (fix scripts)", () => {
  it("creates, updates, starts, stops, sets selectors and deletes a trail; writes appear in event history", async () => {
    const c = ct("us-west-2", PROD);
    await expect(
      c.send(new CreateTrailCommand({ Name: "new-trail", S3BucketName: "no-such-bucket-zz" })),
    ).rejects.toMatchObject({ name: "S3BucketDoesNotExistException" });
    // A new bucket has no policy yet: CloudTrail refuses it until the policy lets it write.
    const s3 = new S3Client({
      endpoint: sim.url,
      region: "us-west-2",
      credentials: { accessKeyId: `AKIASIM${PROD}X`, secretAccessKey: "x" },
      forcePathStyle: true,
    });
    await s3.send(
      new CreateBucketCommand({
        Bucket: "prod-new-trail-bucket",
        CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
      }),
    );
    await expect(
      c.send(new CreateTrailCommand({ Name: "new-trail", S3BucketName: "prod-new-trail-bucket" })),
    ).rejects.toMatchObject({
      name: "InsufficientS3BucketPolicyException",
    });
    await expect(s3.send(new GetBucketPolicyStatusCommand({ Bucket: "prod-new-trail-bucket" }))).rejects.toMatchObject({
      name: "NoSuchBucketPolicy",
    });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: "prod-new-trail-bucket",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: "arn:aws:s3:::prod-new-trail-bucket/AWSLogs/*",
            },
          ],
        }),
      }),
    );
    expect(
      (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: "prod-new-trail-bucket" }))).PolicyStatus?.IsPublic,
    ).toBe(false);
    const created = await c.send(
      new CreateTrailCommand({
        Name: "new-trail",
        S3BucketName: "acme-prod-legacy-trail-444455556666",
        IsMultiRegionTrail: true,
      }),
    );
    expect(created.TrailARN).toBe(`arn:aws:cloudtrail:us-west-2:${PROD}:trail/new-trail`);
    await expect(
      c.send(new CreateTrailCommand({ Name: "new-trail", S3BucketName: "acme-prod-legacy-trail-444455556666" })),
    ).rejects.toMatchObject({
      name: "TrailAlreadyExistsException",
    });
    expect((await c.send(new GetTrailStatusCommand({ Name: "new-trail" }))).IsLogging).toBe(false);
    await c.send(new StartLoggingCommand({ Name: "new-trail" }));
    expect((await c.send(new GetTrailStatusCommand({ Name: "new-trail" }))).IsLogging).toBe(true);
    await c.send(new UpdateTrailCommand({ Name: "new-trail", EnableLogFileValidation: true }));
    await c.send(
      new PutEventSelectorsCommand({
        TrailName: "new-trail",
        AdvancedEventSelectors: [
          { Name: "mgmt", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
        ],
      }),
    );
    const sel = await c.send(new GetEventSelectorsCommand({ TrailName: "new-trail" }));
    expect(sel.AdvancedEventSelectors?.[0]?.FieldSelectors?.[0]?.Field).toBe("eventCategory");
    // Writes must be made in the home region.
    await expect(ct("eu-west-1", PROD).send(new StopLoggingCommand({ Name: created.TrailARN }))).rejects.toMatchObject({
      name: "InvalidHomeRegionException",
    });
    // A member cannot change the org trail.
    await expect(ct("us-east-1", PROD).send(new StopLoggingCommand({ Name: DEMO_TRAILS.org }))).rejects.toMatchObject({
      name: "CloudTrailARNInvalidException",
    });
    await c.send(new StopLoggingCommand({ Name: "new-trail" }));
    const st = await c.send(new GetTrailStatusCommand({ Name: "new-trail" }));
    expect(st.IsLogging).toBe(false);
    const hist = await c.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventSource", AttributeValue: "cloudtrail.amazonaws.com" }],
      }),
    );
    expect(hist.Events!.map((e) => e.EventName).slice(0, 5)).toEqual([
      "StopLogging",
      "PutEventSelectors",
      "UpdateTrail",
      "StartLogging",
      "CreateTrail",
    ]);
    await c.send(new DeleteTrailCommand({ Name: "new-trail" }));
    await expect(c.send(new GetTrailCommand({ Name: "new-trail" }))).rejects.toMatchObject({
      name: "TrailNotFoundException",
    });
    const writes = sim.calls().filter((x) => x.service === "cloudtrail" && x.write);
    expect(writes.map((w) => w.operation)).toEqual(
      expect.arrayContaining([
        "CreateTrail",
        "StartLogging",
        "UpdateTrail",
        "PutEventSelectors",
        "StopLogging",
        "DeleteTrail",
      ]),
    );
  });
});

describe("history is not rewritten by configuration changes", () => {
  it("moving a trail to another log group keeps past events in the old group; new events go to the new one", async () => {
    const acct = "123456789012";
    const local = await startSimulator({
      scenario: {
        name: "move-group",
        aws: {
          accounts: [{ id: acct, name: "solo" }],
          buckets: [{ name: "trail-bucket-123456789012", account: acct, region: "eu-west-1" }],
          logGroups: [{ name: "old-group", account: acct, region: "eu-west-1" }],
          trails: [
            {
              name: "main",
              account: acct,
              homeRegion: "eu-west-1",
              s3Bucket: "trail-bucket-123456789012",
              cloudWatchLogs: { logGroup: "old-group" },
            },
          ],
          streams: [{ account: acct, region: "eu-west-1", from: "-10d", privileged: { perDay: 3 } }],
        },
      },
    });
    try {
      const credentials = { accessKeyId: local.env.AWS_ACCESS_KEY_ID!, secretAccessKey: "x" };
      const logs = new CloudWatchLogsClient({ endpoint: local.url, region: "eu-west-1", credentials });
      const c = new CloudTrailClient({ endpoint: local.url, region: "eu-west-1", credentials });
      const before = await logs.send(new FilterLogEventsCommand({ logGroupName: "old-group" }));
      expect(before.events).toHaveLength(30);
      await logs.send(new CreateLogGroupCommand({ logGroupName: "new-group" }));
      await c.send(
        new UpdateTrailCommand({
          Name: "main",
          CloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-1:${acct}:log-group:new-group:*`,
          CloudWatchLogsRoleArn: `arn:aws:iam::${acct}:role/CloudTrail_CloudWatchLogs_Role`,
        }),
      );
      const old = await logs.send(new FilterLogEventsCommand({ logGroupName: "old-group" }));
      // The past stays where it was delivered; the CreateLogGroup call made before the move went to the old group too.
      expect(old.events?.slice(0, 30).map((e) => e.eventId)).toEqual(before.events?.map((e) => e.eventId));
      expect(old.events?.slice(30).map((e) => JSON.parse(e.message!).eventName)).toEqual(["CreateLogGroup"]);
      const moved = await logs.send(new FilterLogEventsCommand({ logGroupName: "new-group" }));
      expect(moved.events?.map((e) => JSON.parse(e.message!).eventName)).toEqual(["UpdateTrail"]);
    } finally {
      await local.close();
    }
  });
});
