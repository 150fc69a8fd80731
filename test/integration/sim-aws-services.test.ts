import { gunzipSync } from "node:zlib";
import { CloudTrailClient, DescribeTrailsCommand, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  PutRetentionPolicyCommand,
  paginateFilterLogEvents,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from "@aws-sdk/client-organizations";
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_ACCOUNTS, DEMO_ORG_ID } from "../../src/sim/scenarios/demo-aws.js";

const { management: MGMT, production: PROD, staging: STG, dataPlatform: DATA } = DEMO_ACCOUNTS;
let sim: Simulator;
const creds = (account: string) => ({ accessKeyId: `AKIASIM${account}X`, secretAccessKey: "x" });
const logs = (region: string, account: string = MGMT) =>
  new CloudWatchLogsClient({ endpoint: sim.url, region, credentials: creds(account) });
const s3 = (account: string = MGMT, region = "us-east-1") =>
  new S3Client({ endpoint: sim.url, region, credentials: creds(account), forcePathStyle: true });

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("CloudWatch Logs", () => {
  it("describes log groups with retention (absent = never expire) and paging", async () => {
    const r = await logs("eu-central-1", DATA).send(new DescribeLogGroupsCommand({}));
    expect(r.logGroups).toHaveLength(1);
    expect(r.logGroups?.[0]).toMatchObject({
      logGroupName: "/acme/data-platform/cloudtrail",
      retentionInDays: 30,
      arn: `arn:aws:logs:eu-central-1:${DATA}:log-group:/acme/data-platform/cloudtrail:*`,
      logGroupArn: `arn:aws:logs:eu-central-1:${DATA}:log-group:/acme/data-platform/cloudtrail`,
    });
    const c = logs("eu-west-3", STG);
    for (let i = 0; i < 5; i++) await c.send(new CreateLogGroupCommand({ logGroupName: `/app/group-${i}` }));
    await expect(c.send(new CreateLogGroupCommand({ logGroupName: "/app/group-0" }))).rejects.toMatchObject({
      name: "ResourceAlreadyExistsException",
    });
    const p1 = await c.send(new DescribeLogGroupsCommand({ limit: 2 }));
    expect(p1.logGroups?.map((g) => g.logGroupName)).toEqual(["/app/group-0", "/app/group-1"]);
    expect(p1.logGroups?.[0]?.retentionInDays).toBeUndefined();
    const p2 = await c.send(new DescribeLogGroupsCommand({ limit: 2, nextToken: p1.nextToken }));
    expect(p2.logGroups?.map((g) => g.logGroupName)).toEqual(["/app/group-2", "/app/group-3"]);
    await expect(
      c.send(new PutRetentionPolicyCommand({ logGroupName: "/app/group-0", retentionInDays: 42 })),
    ).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    await c.send(new PutRetentionPolicyCommand({ logGroupName: "/app/group-0", retentionInDays: 400 }));
    expect(
      (await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/group-0" }))).logGroups?.[0]
        ?.retentionInDays,
    ).toBe(400);
    await c.send(new DeleteRetentionPolicyCommand({ logGroupName: "/app/group-0" }));
    expect(
      (await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/group-0" }))).logGroups?.[0]
        ?.retentionInDays,
    ).toBeUndefined();
  });

  it("stores only events younger than the retention: the 30-day group's oldest event is ~30 days old", async () => {
    const r = await logs("eu-central-1", DATA).send(
      new FilterLogEventsCommand({ logGroupName: "/acme/data-platform/cloudtrail", limit: 1 }),
    );
    const age = (Date.now() - r.events![0]!.timestamp!) / 86_400_000;
    expect(age).toBeGreaterThan(29);
    expect(age).toBeLessThanOrEqual(30);
    // WriteOnly trail: no read-only events in its group.
    const reads = await logs("eu-central-1", DATA).send(
      new FilterLogEventsCommand({
        logGroupName: "/acme/data-platform/cloudtrail",
        filterPattern: "{ $.readOnly IS TRUE }",
      }),
    );
    expect(reads.events).toEqual([]);
  });

  it("filters the org trail's group with a JSON pattern; stream names are <acct>_CloudTrail_<region>", async () => {
    const c = logs("us-east-1");
    const events = [];
    for await (const p of paginateFilterLogEvents(
      { client: c },
      {
        logGroupName: "aws-cloudtrail-logs-acme-org",
        filterPattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        startTime: Date.now() - 30 * 86_400_000,
      },
    )) {
      events.push(...(p.events ?? []));
    }
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) {
      const rec = JSON.parse(e.message!);
      expect(rec.responseElements.ConsoleLogin).toBe("Failure");
      expect(e.logStreamName).toBe(`${rec.recipientAccountId}_CloudTrail_${rec.awsRegion}`);
    }
    // ap-southeast-2 of production never reaches the SIEM group.
    const apse2 = await c.send(
      new FilterLogEventsCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        logStreamNames: [`${PROD}_CloudTrail_ap-southeast-2`],
      }),
    );
    expect(apse2.events).toEqual([]);
    const euw1 = await c.send(
      new FilterLogEventsCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        logStreamNames: [`${PROD}_CloudTrail_eu-west-1`],
        limit: 5,
      }),
    );
    expect(euw1.events).toHaveLength(5);
    await expect(
      c.send(
        new FilterLogEventsCommand({ logGroupName: "aws-cloudtrail-logs-acme-org", filterPattern: "{ $.eventName = " }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    await expect(c.send(new FilterLogEventsCommand({ logGroupName: "nope" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("finds sampled event ids with Logs Insights; misses those that never reached the group", async () => {
    const ct = new CloudTrailClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(PROD) });
    const logins = await ct.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "ConsoleLogin" }],
        StartTime: new Date(Date.now() - 7 * 86_400_000),
        MaxResults: 50,
      }),
    );
    const failedIds = logins.Events!.filter((e) => JSON.parse(e.CloudTrailEvent!).errorMessage).map((e) => e.EventId!);
    expect(failedIds.length).toBeGreaterThan(4);
    const c = logs("us-east-1");
    const { queryId } = await c.send(
      new StartQueryCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        startTime: Math.floor(Date.now() / 1000) - 8 * 86_400,
        endTime: Math.floor(Date.now() / 1000),
        queryString: `fields @timestamp, eventID, eventName | filter eventID in [${failedIds.map((i) => `"${i}"`).join(", ")}] | sort @timestamp desc | limit 100`,
      }),
    );
    const first = await c.send(new GetQueryResultsCommand({ queryId }));
    expect(first.status).toBe("Running");
    const done = await c.send(new GetQueryResultsCommand({ queryId }));
    expect(done.status).toBe("Complete");
    const found = done.results!.map((row) => row.find((f) => f.field === "eventID")!.value!);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(failedIds.length);
    for (const id of found) expect(failedIds).toContain(id);
    expect(done.results![0]!.map((f) => f.field)).toEqual(["@timestamp", "eventID", "eventName", "@ptr"]);
    // FilterLogEvents with an eventID pattern finds exactly the same ids.
    const viaFilter: string[] = [];
    for await (const p of paginateFilterLogEvents(
      { client: c },
      {
        logGroupName: "aws-cloudtrail-logs-acme-org",
        filterPattern: `{ ${failedIds.map((i) => `($.eventID = "${i}")`).join(" || ")} }`,
      },
    )) {
      viaFilter.push(...(p.events ?? []).map((e) => JSON.parse(e.message!).eventID as string));
    }
    expect(viaFilter.sort()).toEqual([...found].sort());
  });

  it("queries see exactly the events from startTime to the end of endTime's second (epoch seconds)", async () => {
    const c = logs("us-east-1");
    const page = await c.send(
      new FilterLogEventsCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        startTime: Date.now() - 3 * 86_400_000,
        limit: 5,
      }),
    );
    const ev = page.events![2]!;
    const id = (JSON.parse(ev.message!) as { eventID: string }).eventID;
    const sec = Math.floor(ev.timestamp! / 1000);
    const found = async (startTime: number, endTime: number) => {
      const { queryId } = await c.send(
        new StartQueryCommand({
          logGroupName: "aws-cloudtrail-logs-acme-org",
          startTime,
          endTime,
          queryString: `fields eventID | filter eventID in ["${id}"]`,
        }),
      );
      await c.send(new GetQueryResultsCommand({ queryId }));
      const r = await c.send(new GetQueryResultsCommand({ queryId }));
      return r.results!.length;
    };
    expect(await found(sec, sec)).toBe(1);
    expect(await found(sec - 86_400, sec)).toBe(1);
    expect(await found(sec, sec + 86_400)).toBe(1);
    expect(await found(sec - 86_400, sec - 1)).toBe(0);
    expect(await found(sec + 1, sec + 86_400)).toBe(0);
  });

  it("runs stats count(*) by bin(1d) and rejects queries outside the subset", async () => {
    const c = logs("us-east-1");
    const now = Math.floor(Date.now() / 1000);
    const { queryId } = await c.send(
      new StartQueryCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        startTime: now - 10 * 86_400,
        endTime: now,
        queryString: `filter recipientAccountId = "${MGMT}" and awsRegion = "eu-west-1" | stats count(*) as n by bin(1d)`,
      }),
    );
    await c.send(new GetQueryResultsCommand({ queryId }));
    const res = await c.send(new GetQueryResultsCommand({ queryId }));
    const days = res.results!.map((r) => r.find((f) => f.field === "bin(1d)")!.value!.slice(0, 10));
    const today = new Date();
    const dayStr = (d: number) => new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10);
    // The planted delivery gap: nothing from -5d to -3d.
    expect(days).not.toContain(dayStr(4));
    expect(days).toContain(dayStr(7));
    await expect(
      c.send(
        new StartQueryCommand({
          logGroupName: "aws-cloudtrail-logs-acme-org",
          startTime: now - 60,
          endTime: now,
          queryString: "parse @message /x/ as y",
        }),
      ),
    ).rejects.toMatchObject({ name: "MalformedQueryException" });
    await expect(
      c.send(new GetQueryResultsCommand({ queryId: "00000000-0000-4000-8000-000000000000" })),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("describes metric and subscription filters", async () => {
    const c = logs("us-east-1");
    const m = await c.send(new DescribeMetricFiltersCommand({ logGroupName: "aws-cloudtrail-logs-acme-org" }));
    // The demo has more filters (detection coverage, docs/detection.md); the first two are the CIS 4.3 and 4.6 ones.
    expect(m.metricFilters?.map((f) => f.filterName).slice(0, 2)).toEqual([
      "cis-4.3-root-usage",
      "cis-4.6-console-auth-failures",
    ]);
    expect(m.metricFilters?.[1]?.metricTransformations?.[0]?.metricName).toBe("ConsoleSigninFailures");
    const s = await c.send(new DescribeSubscriptionFiltersCommand({ logGroupName: "aws-cloudtrail-logs-acme-org" }));
    expect(s.subscriptionFilters?.[0]?.destinationArn).toContain(":deliverystream/acme-siem-ingest");
  });
});

describe("Organizations, KMS, EC2, STS", () => {
  it("describes the organization and pages ListAccounts; members cannot list", async () => {
    const org = new OrganizationsClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT) });
    const d = await org.send(new DescribeOrganizationCommand({}));
    expect(d.Organization).toMatchObject({ Id: DEMO_ORG_ID, MasterAccountId: MGMT, FeatureSet: "ALL" });
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const p of paginateListAccounts({ client: org, pageSize: 3 }, {})) {
      pages.push(p.Accounts!.length);
      ids.push(...p.Accounts!.map((a) => a.Id!));
    }
    expect(pages).toEqual([3, 1]);
    expect(ids.sort()).toEqual([MGMT, PROD, STG, DATA].sort());
    const member = new OrganizationsClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(STG) });
    await expect(member.send(new ListAccountsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("reads KMS key metadata and rotation, and enables rotation", async () => {
    const k = new KMSClient({ endpoint: sim.url, region: "eu-central-1", credentials: creds(DATA) });
    const d = await k.send(new DescribeKeyCommand({ KeyId: "alias/data-platform-trail" }));
    expect(d.KeyMetadata).toMatchObject({ KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", AWSAccountId: DATA });
    expect((await k.send(new GetKeyRotationStatusCommand({ KeyId: d.KeyMetadata!.Arn }))).KeyRotationEnabled).toBe(
      false,
    );
    await k.send(new EnableKeyRotationCommand({ KeyId: d.KeyMetadata!.KeyId }));
    const after = await k.send(new GetKeyRotationStatusCommand({ KeyId: d.KeyMetadata!.Arn }));
    expect(after).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect(after.NextRotationDate!.getTime()).toBeGreaterThan(Date.now());
    await expect(k.send(new GetKeyRotationStatusCommand({ KeyId: "alias/data-platform-trail" }))).rejects.toMatchObject(
      {
        name: "NotFoundException",
      },
    );
    await expect(
      k.send(new DescribeKeyCommand({ KeyId: "00000000-0000-4000-8000-000000000000" })),
    ).rejects.toMatchObject({
      name: "NotFoundException",
    });
  });

  it("lists enabled regions, all regions with opt-in status, and filters", async () => {
    const ec2 = new EC2Client({ endpoint: sim.url, region: "us-east-1", credentials: creds(DATA) });
    const enabled = await ec2.send(new DescribeRegionsCommand({}));
    expect(enabled.Regions).toHaveLength(18);
    expect(enabled.Regions?.find((r) => r.RegionName === "eu-south-1")?.OptInStatus).toBe("opted-in");
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions?.find((r) => r.RegionName === "ap-east-1")?.OptInStatus).toBe("not-opted-in");
    const notOpted = await ec2.send(
      new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: "opt-in-status", Values: ["not-opted-in"] }] }),
    );
    expect(notOpted.Regions?.every((r) => r.OptInStatus === "not-opted-in")).toBe(true);
    expect(notOpted.Regions?.map((r) => r.RegionName)).toContain("ap-east-1");
    const mgmtEnabled = await new EC2Client({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT) }).send(
      new DescribeRegionsCommand({}),
    );
    expect(mgmtEnabled.Regions).toHaveLength(17);
  });

  it("fails calls in a region the account has not enabled, like AWS", async () => {
    const ct = new CloudTrailClient({
      endpoint: sim.url,
      region: "ap-east-1",
      credentials: creds(PROD),
      maxAttempts: 1,
    });
    await expect(ct.send(new DescribeTrailsCommand({}))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
    const ec2 = new EC2Client({ endpoint: sim.url, region: "ap-east-1", credentials: creds(PROD), maxAttempts: 1 });
    await expect(ec2.send(new DescribeRegionsCommand({}))).rejects.toMatchObject({ name: "AuthFailure" });
  });

  it("assumes a role into a member account; the temporary key acts as that account", async () => {
    const sts = new STSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT) });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MGMT);
    const ar = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "blindspot-scan",
      }),
    );
    expect(ar.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const member = new STSClient({
      endpoint: sim.url,
      region: "eu-west-1",
      credentials: {
        accessKeyId: ar.Credentials!.AccessKeyId!,
        secretAccessKey: ar.Credentials!.SecretAccessKey!,
        sessionToken: ar.Credentials!.SessionToken!,
      },
    });
    const who = await member.send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: PROD,
      Arn: `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/blindspot-scan`,
    });
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD}:role/NoSuchRole`, RoleSessionName: "x1" })),
    ).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    // A member cannot assume the role of another member (trust: management account).
    const fromStaging = new STSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(STG) });
    await expect(
      fromStaging.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
          RoleSessionName: "x2",
        }),
      ),
    ).rejects.toMatchObject({ name: "AccessDenied" });
  });
});

describe("S3 trail buckets", () => {
  it("reads the hardened org bucket's configuration", async () => {
    const c = s3();
    const b = "acme-org-cloudtrail-111122223333";
    expect((await c.send(new GetObjectLockConfigurationCommand({ Bucket: b }))).ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 365 } },
    });
    expect((await c.send(new GetBucketVersioningCommand({ Bucket: b }))).Status).toBe("Enabled");
    const enc = await c.send(new GetBucketEncryptionCommand({ Bucket: b }));
    expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe(
      "aws:kms",
    );
    expect((await c.send(new GetPublicAccessBlockCommand({ Bucket: b }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect((await c.send(new GetBucketPolicyStatusCommand({ Bucket: b }))).PolicyStatus?.IsPublic).toBe(false);
    expect((await c.send(new GetBucketLoggingCommand({ Bucket: b }))).LoggingEnabled?.TargetBucket).toBe(
      "acme-s3-access-logs-111122223333",
    );
  });

  it("returns the real error codes for missing configuration and other accounts' buckets", async () => {
    const c = s3(STG, "eu-west-1");
    const b = "acme-staging-cloudtrail-777788889999";
    await expect(c.send(new GetObjectLockConfigurationCommand({ Bucket: b }))).rejects.toMatchObject({
      name: "ObjectLockConfigurationNotFoundError",
    });
    await expect(c.send(new GetPublicAccessBlockCommand({ Bucket: b }))).rejects.toMatchObject({
      name: "NoSuchPublicAccessBlockConfiguration",
    });
    const lc = await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }));
    expect(lc.Rules?.[0]).toMatchObject({ ID: "expire-old-logs", Status: "Enabled", Expiration: { Days: 30 } });
    await expect(s3(PROD).send(new GetBucketVersioningCommand({ Bucket: b }))).rejects.toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(c.send(new GetBucketVersioningCommand({ Bucket: "no-such-bucket-xyz" }))).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
  });

  it("serves gzipped CloudTrail log files under AWSLogs/<org>/<acct>/CloudTrail/<region>/YYYY/MM/DD/", async () => {
    const c = s3();
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "/");
    const prefix = `AWSLogs/${DEMO_ORG_ID}/${PROD}/CloudTrail/eu-west-1/${day}/`;
    const keys: string[] = [];
    for await (const p of paginateListObjectsV2(
      { client: c, pageSize: 7 },
      { Bucket: "acme-org-cloudtrail-111122223333", Prefix: prefix },
    )) {
      keys.push(...(p.Contents ?? []).map((o) => o.Key!));
    }
    expect(keys.length).toBeGreaterThan(7);
    expect(keys[0]).toMatch(
      new RegExp(`^${prefix}${PROD}_CloudTrail_eu-west-1_\\d{8}T\\d{4}Z_[A-Z0-9]{16}\\.json\\.gz$`),
    );
    const obj = await c.send(new GetObjectCommand({ Bucket: "acme-org-cloudtrail-111122223333", Key: keys[0] }));
    const doc = JSON.parse(gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString("utf8"));
    expect(doc.Records.length).toBeGreaterThan(0);
    expect(doc.Records[0]).toMatchObject({ recipientAccountId: PROD, awsRegion: "eu-west-1", eventVersion: "1.09" });
    // ap-southeast-2 reaches S3 even though it never reaches CloudWatch Logs.
    const apse2 = await c.send(
      new ListObjectsV2Command({
        Bucket: "acme-org-cloudtrail-111122223333",
        Prefix: `AWSLogs/${DEMO_ORG_ID}/${PROD}/CloudTrail/ap-southeast-2/${day}/`,
      }),
    );
    expect(apse2.KeyCount).toBeGreaterThan(0);
    // The staging bucket's lifecycle deleted everything older than 30 days.
    const stg = s3(STG, "eu-west-1");
    const old = new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "/");
    const gone = await stg.send(
      new ListObjectsV2Command({
        Bucket: "acme-staging-cloudtrail-777788889999",
        Prefix: `AWSLogs/${STG}/CloudTrail/eu-west-1/${old}/`,
      }),
    );
    expect(gone.KeyCount).toBe(0);
    const recent = await stg.send(
      new ListObjectsV2Command({
        Bucket: "acme-staging-cloudtrail-777788889999",
        Prefix: `AWSLogs/${STG}/CloudTrail/eu-west-1/${day}/`,
      }),
    );
    expect(recent.KeyCount).toBeGreaterThan(0);
    const years = await stg.send(
      new ListObjectsV2Command({
        Bucket: "acme-staging-cloudtrail-777788889999",
        Prefix: `AWSLogs/${STG}/CloudTrail/eu-west-1/`,
        Delimiter: "/",
      }),
    );
    const expectedYears = [
      ...new Set([Date.now() - 29 * 86_400_000, Date.now()].map((t) => new Date(t).getUTCFullYear())),
    ];
    expect(years.CommonPrefixes?.map((p) => p.Prefix)).toEqual(
      expectedYears.map((y) => `AWSLogs/${STG}/CloudTrail/eu-west-1/${y}/`),
    );
  });

  it("applies the fix-script writes in order (versioning before Object Lock)", async () => {
    const c = s3(STG, "eu-west-1");
    const b = "acme-staging-cloudtrail-777788889999";
    await expect(
      c.send(
        new PutObjectLockConfigurationCommand({
          Bucket: b,
          ObjectLockConfiguration: {
            ObjectLockEnabled: "Enabled",
            Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 400 } },
          },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidBucketState" });
    await c.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
    await c.send(
      new PutObjectLockConfigurationCommand({
        Bucket: b,
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 400 } },
        },
      }),
    );
    expect(
      (await c.send(new GetObjectLockConfigurationCommand({ Bucket: b }))).ObjectLockConfiguration?.Rule
        ?.DefaultRetention?.Days,
    ).toBe(400);
    await c.send(
      new PutPublicAccessBlockCommand({
        Bucket: b,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    expect(
      (await c.send(new GetPublicAccessBlockCommand({ Bucket: b }))).PublicAccessBlockConfiguration?.BlockPublicPolicy,
    ).toBe(true);
    await c.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: b,
        LifecycleConfiguration: {
          Rules: [{ ID: "keep-400", Status: "Enabled", Filter: { Prefix: "AWSLogs/" }, Expiration: { Days: 400 } }],
        },
      }),
    );
    expect((await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }))).Rules?.[0]?.Expiration?.Days).toBe(
      400,
    );
    await c.send(
      new PutBucketEncryptionCommand({
        Bucket: b,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/aws/s3" } }],
        },
      }),
    );
    expect(
      (await c.send(new GetBucketEncryptionCommand({ Bucket: b }))).ServerSideEncryptionConfiguration?.Rules?.[0]
        ?.ApplyServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/aws/s3" });
    await expect(
      c.send(
        new PutBucketPolicyCommand({
          Bucket: b,
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${b}/*` }],
          }),
        }),
      ),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    await c.send(
      new CreateBucketCommand({
        Bucket: "acme-new-trail-bucket",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    expect((await c.send(new GetBucketVersioningCommand({ Bucket: "acme-new-trail-bucket" }))).Status).toBeUndefined();
    const writes = sim.calls().filter((x) => x.service === "s3" && x.write && x.status < 300);
    expect(writes.map((w) => w.operation)).toEqual([
      "PutBucketVersioning",
      "PutObjectLockConfiguration",
      "PutPublicAccessBlock",
      "PutBucketLifecycleConfiguration",
      "PutBucketEncryption",
      "CreateBucket",
    ]);
  });
});
