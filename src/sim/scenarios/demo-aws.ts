/**
 * The AWS half of the demo estate ("Acme Analytics"): an organization with a management account and three members
 * over the 17 default regions plus one opted-in region (eu-south-1, enabled only in the data-platform member) and one
 * not-opted-in region (ap-east-1). Every planted gap is listed in `demoAwsPlanted` so later tests can assert a scan
 * reports exactly these.
 */
import type { AwsScenarioInput } from "../scenario/aws.js";

export const DEMO_ORG_ID = "o-a1b2c3d4e5";
export const DEMO_ACCOUNTS = {
  management: "111122223333",
  production: "444455556666",
  staging: "777788889999",
  dataPlatform: "210987654321",
} as const;
const { management: MGMT, production: PROD, staging: STG, dataPlatform: DATA } = DEMO_ACCOUNTS;

export const DEMO_TRAILS = {
  org: `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/acme-org-trail`,
  stagingLegacy: `arn:aws:cloudtrail:eu-west-1:${STG}:trail/staging-legacy-trail`,
  dataWritesOnly: `arn:aws:cloudtrail:eu-central-1:${DATA}:trail/data-platform-audit`,
  prodStopped: `arn:aws:cloudtrail:eu-west-2:${PROD}:trail/prod-euw2-trail`,
} as const;

const ORG_KEY = "4f6c2a0e-8d1b-4c3e-9a7f-2b5d6e8f0a1c";
const DATA_KEY = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const SSO_ADMIN = "AWSReservedSSO_AdministratorAccess_5e3b1c2a9d7f4e60";
const ACTORS = [
  `role:${SSO_ADMIN}/maria.garcia`,
  `role:${SSO_ADMIN}/j.okafor`,
  "role:GitHubActions-Deploy/gha-4821937",
  "user:terraform-ci",
];
const IPS = ["203.0.113.12", "203.0.113.87", "198.51.100.23", "198.51.100.140"];

/** CIS 4.x classes without working detection in the demo (per account, all four accounts), and why. */
export const DEMO_ALERT_GAPS: Readonly<Record<string, string>> = {
  "4.1": "no metric filter",
  "4.2": "no metric filter",
  "4.4": "filter cis-4.4-iam-policy-changes omits CreatePolicyVersion (a privilege-escalation path)",
  "4.7": "alarm CMKDisableOrDelete notifies acme-kms-alerts, whose only subscription was never confirmed",
  "4.8": "no metric filter",
  "4.9": "no metric filter",
  "4.10": "alarm SecurityGroupChanges has no action; the composite that notifies ANDs it with NOT ALARM(DeployWindow)",
  "4.11": "no metric filter",
  "4.12": "no metric filter",
  "4.13": "no metric filter",
  "4.14": "no metric filter",
  "4.15": "no metric filter",
};

/** A planted gap: the check that must fail and where. */
export interface PlantedGap {
  checkId: string;
  account: string;
  region?: string;
  resource?: string;
  note: string;
}

export const demoAwsPlanted: PlantedGap[] = [
  {
    checkId: "aws.trail.region-uncovered",
    account: DATA,
    region: "eu-south-1",
    note: "opt-in region enabled only in the member; the org trail is not replicated there and no other trail exists",
  },
  {
    checkId: "aws.trail.mgmt-events-partial",
    account: DATA,
    region: "eu-central-1",
    resource: DEMO_TRAILS.dataWritesOnly,
    note: "data-platform-audit logs WriteOnly management events",
  },
  {
    checkId: "aws.trail.not-logging",
    account: PROD,
    region: "eu-west-2",
    resource: DEMO_TRAILS.prodStopped,
    note: "prod-euw2-trail stopped 45 days ago",
  },
  {
    checkId: "aws.trail.delivery-failing",
    account: STG,
    region: "eu-west-1",
    resource: DEMO_TRAILS.stagingLegacy,
    note: "LatestDeliveryError AccessDenied, last delivery 3 days ago",
  },
  {
    checkId: "aws.trail.siem-feed-missing",
    account: STG,
    region: "eu-west-1",
    resource: DEMO_TRAILS.stagingLegacy,
    note: "legacy single-region trail has no CloudWatch Logs group",
  },
  {
    checkId: "aws.trail.siem-feed-missing",
    account: PROD,
    region: "eu-west-2",
    resource: DEMO_TRAILS.prodStopped,
    note: "no CloudWatch Logs group",
  },
  {
    checkId: "aws.trail.validation-disabled",
    account: STG,
    region: "eu-west-1",
    resource: DEMO_TRAILS.stagingLegacy,
    note: "log file validation off",
  },
  {
    checkId: "aws.trail.validation-disabled",
    account: DATA,
    region: "eu-central-1",
    resource: DEMO_TRAILS.dataWritesOnly,
    note: "log file validation off",
  },
  {
    checkId: "aws.trail.validation-disabled",
    account: PROD,
    region: "eu-west-2",
    resource: DEMO_TRAILS.prodStopped,
    note: "log file validation off",
  },
  {
    checkId: "aws.trail.kms-disabled",
    account: STG,
    region: "eu-west-1",
    resource: DEMO_TRAILS.stagingLegacy,
    note: "no KMS key",
  },
  {
    checkId: "aws.trail.kms-disabled",
    account: PROD,
    region: "eu-west-2",
    resource: DEMO_TRAILS.prodStopped,
    note: "no KMS key",
  },
  {
    checkId: "aws.kms.rotation-disabled",
    account: DATA,
    region: "eu-central-1",
    resource: `arn:aws:kms:eu-central-1:${DATA}:key/${DATA_KEY}`,
    note: "customer key of data-platform-audit without rotation",
  },
  {
    checkId: "aws.bucket.not-worm",
    account: STG,
    resource: "acme-staging-cloudtrail-777788889999",
    note: "no Object Lock",
  },
  {
    checkId: "aws.bucket.not-worm",
    account: DATA,
    resource: "acme-data-cloudtrail-210987654321",
    note: "no Object Lock",
  },
  {
    checkId: "aws.bucket.not-worm",
    account: PROD,
    resource: "acme-prod-legacy-trail-444455556666",
    note: "no Object Lock",
  },
  {
    checkId: "aws.bucket.expires-early",
    account: STG,
    resource: "acme-staging-cloudtrail-777788889999",
    note: "lifecycle rule expire-old-logs deletes AWSLogs/ after 30 days",
  },
  {
    checkId: "aws.bucket.public",
    account: STG,
    resource: "acme-staging-cloudtrail-777788889999",
    note: "no public access block",
  },
  {
    checkId: "aws.logs.retention-short",
    account: DATA,
    region: "eu-central-1",
    resource: "/acme/data-platform/cloudtrail",
    note: "retentionInDays 30",
  },
  {
    checkId: "aws.logs.retention-unproven",
    account: DATA,
    region: "eu-central-1",
    resource: "/acme/data-platform/cloudtrail",
    note: "oldest stored event is 30 days old, the group is 400 days old",
  },
  {
    checkId: "aws.siem.blind-spot",
    account: PROD,
    region: "ap-southeast-2",
    note: "no event of this region reaches the SIEM log group aws-cloudtrail-logs-acme-org (S3 only)",
  },
  {
    checkId: "aws.siem.failed-logins-missing",
    account: PROD,
    region: "us-east-1",
    note: "about half of the failed ConsoleLogin events never reached the SIEM log group",
  },
  {
    checkId: "aws.siem.delivery-gap",
    account: MGMT,
    region: "eu-west-1",
    note: "no events reached the SIEM from -5d to -3d",
  },
  {
    checkId: "aws.siem.blind-spot",
    account: MGMT,
    region: "eu-west-1",
    note: "the events of the dropped days (-5d to -3d) are privileged events missing from the SIEM",
  },
  {
    checkId: "aws.siem.blind-spot",
    account: DATA,
    region: "eu-south-1",
    note: "no trail reaches this opt-in region: every sampled event is missing",
  },
  {
    checkId: "aws.tamper.logging-changed",
    account: PROD,
    region: "eu-west-2",
    resource: DEMO_TRAILS.prodStopped,
    note: "GetTrailStatus StopLoggingTime 45 days ago, still stopped",
  },
  {
    checkId: "aws.tamper.logging-changed",
    account: MGMT,
    region: "us-east-1",
    resource: DEMO_TRAILS.org,
    note: "StopLogging at -20d by dev.contractor, StartLogging at -17d: 3 days without the org trail",
  },
  {
    checkId: "aws.tamper.logging-changed",
    account: DATA,
    region: "eu-central-1",
    resource: "/acme/data-platform/cloudtrail",
    note: "PutRetentionPolicy at -12d and PutEventSelectors at -25d",
  },
  // Detection coverage: every account is covered through the organization trail's group in the management account,
  // where only CIS 4.3, 4.5 (written differently from the CIS text) and 4.6 are alarmed end to end.
  ...Object.values(DEMO_ACCOUNTS).flatMap((account) =>
    Object.entries(DEMO_ALERT_GAPS).map(([cis, note]) => ({
      checkId: "aws.alert.missing",
      account,
      // The finding's resource is aws:<account>:cis-<class> (not a scenario resource, so not set here).
      note: `CIS ${cis}: ${note}`,
    })),
  ),
];

const stream = (
  account: string,
  region: string,
  extra: Omit<NonNullable<AwsScenarioInput["streams"]>[number], "account" | "region">,
): NonNullable<AwsScenarioInput["streams"]>[number] => ({
  account,
  region,
  from: "-120d",
  actors: ACTORS,
  sourceIPs: IPS,
  ...extra,
});

export const demoAws: AwsScenarioInput = {
  seed: 20_261_127,
  organization: { id: DEMO_ORG_ID, managementAccountId: MGMT },
  accounts: [
    {
      id: MGMT,
      name: "acme-management",
      email: "aws-root+management@acme-analytics.example",
      joinedAt: "-1500d",
      optInRegions: { "ap-east-1": "not-opted-in" },
    },
    {
      id: PROD,
      name: "acme-production",
      email: "aws-root+production@acme-analytics.example",
      joinedAt: "-1200d",
      optInRegions: { "ap-east-1": "not-opted-in" },
    },
    {
      id: STG,
      name: "acme-staging",
      email: "aws-root+staging@acme-analytics.example",
      joinedAt: "-900d",
      optInRegions: { "ap-east-1": "not-opted-in" },
    },
    {
      id: DATA,
      name: "acme-data-platform",
      email: "aws-root+data@acme-analytics.example",
      joinedAt: "-600d",
      optInRegions: { "eu-south-1": "opted-in", "ap-east-1": "not-opted-in" },
    },
  ],
  kmsKeys: [
    {
      id: ORG_KEY,
      account: MGMT,
      region: "us-east-1",
      alias: "alias/acme-cloudtrail",
      description: "CloudTrail org trail",
      rotation: true,
    },
    {
      id: DATA_KEY,
      account: DATA,
      region: "eu-central-1",
      alias: "alias/data-platform-trail",
      description: "data platform trail",
      rotation: false,
    },
  ],
  trails: [
    {
      name: "acme-org-trail",
      account: MGMT,
      homeRegion: "us-east-1",
      multiRegion: true,
      organization: true,
      includeGlobalServiceEvents: true,
      logFileValidation: true,
      kmsKeyId: ORG_KEY,
      cloudWatchLogs: {
        logGroup: "aws-cloudtrail-logs-acme-org",
        roleName: "CloudTrailRoleForCloudWatchLogs_acme-org",
      },
      s3Bucket: "acme-org-cloudtrail-111122223333",
      createdAt: "-700d",
    },
    {
      name: "staging-legacy-trail",
      account: STG,
      homeRegion: "eu-west-1",
      includeGlobalServiceEvents: false,
      s3Bucket: "acme-staging-cloudtrail-777788889999",
      createdAt: "-850d",
      status: { logging: true, latestDeliveryError: "AccessDenied", latestDeliveryTime: "-3d" },
    },
    {
      name: "data-platform-audit",
      account: DATA,
      homeRegion: "eu-central-1",
      includeGlobalServiceEvents: false,
      kmsKeyId: DATA_KEY,
      cloudWatchLogs: { logGroup: "/acme/data-platform/cloudtrail" },
      s3Bucket: "acme-data-cloudtrail-210987654321",
      eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
      createdAt: "-400d",
    },
    {
      name: "prod-euw2-trail",
      account: PROD,
      homeRegion: "eu-west-2",
      includeGlobalServiceEvents: false,
      s3Bucket: "acme-prod-legacy-trail-444455556666",
      createdAt: "-500d",
      status: { logging: false, stopLoggingTime: "-45d" },
    },
  ],
  eventDataStores: [
    { name: "acme-security-lake", account: MGMT, region: "us-east-1", organization: true, retentionDays: 2557 },
  ],
  logGroups: [
    {
      name: "aws-cloudtrail-logs-acme-org",
      account: MGMT,
      region: "us-east-1",
      retentionInDays: 365,
      createdAt: "-700d",
      metricFilters: [
        {
          name: "cis-4.3-root-usage",
          pattern:
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
          metricName: "RootAccountUsage",
        },
        {
          name: "cis-4.6-console-auth-failures",
          pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
          metricName: "ConsoleSigninFailures",
        },
        {
          // Equivalent to the CIS text, written differently: must pass.
          name: "cloudtrail-config-changes",
          pattern:
            "{ $.eventSource = cloudtrail.amazonaws.com && ($.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging) }",
          metricName: "CloudTrailChanges",
        },
        {
          // Subtly wrong: CreatePolicyVersion is missing.
          name: "cis-4.4-iam-policy-changes",
          pattern:
            "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
          metricName: "IAMPolicyChanges",
        },
        {
          name: "cis-4.7-cmk-disable-delete",
          pattern:
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
          metricName: "CMKDisableOrDelete",
        },
        {
          name: "cis-4.10-security-groups",
          pattern:
            "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
          metricName: "SecurityGroupChanges",
        },
      ],
      subscriptionFilters: [
        {
          name: "to-siem-firehose",
          pattern: "",
          destinationArn: `arn:aws:firehose:us-east-1:${MGMT}:deliverystream/acme-siem-ingest`,
        },
      ],
    },
    {
      name: "/acme/data-platform/cloudtrail",
      account: DATA,
      region: "eu-central-1",
      retentionInDays: 30,
      createdAt: "-400d",
    },
  ],
  buckets: [
    {
      name: "acme-org-cloudtrail-111122223333",
      account: MGMT,
      region: "us-east-1",
      createdAt: "-700d",
      objectLock: { mode: "COMPLIANCE", days: 365 },
      versioning: "Enabled",
      encryption: { algorithm: "aws:kms", kmsKeyId: `arn:aws:kms:us-east-1:${MGMT}:key/${ORG_KEY}` },
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      lifecycleRules: [
        {
          id: "archive-then-expire",
          prefix: "AWSLogs/",
          expirationDays: 2557,
          transitions: [{ days: 90, storageClass: "GLACIER_IR" }],
        },
      ],
      logging: { targetBucket: "acme-s3-access-logs-111122223333", targetPrefix: "cloudtrail/" },
    },
    {
      name: "acme-staging-cloudtrail-777788889999",
      account: STG,
      region: "eu-west-1",
      createdAt: "-850d",
      lifecycleRules: [{ id: "expire-old-logs", prefix: "AWSLogs/", expirationDays: 30 }],
    },
    {
      name: "acme-data-cloudtrail-210987654321",
      account: DATA,
      region: "eu-central-1",
      createdAt: "-400d",
      versioning: "Enabled",
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
    },
    {
      name: "acme-prod-legacy-trail-444455556666",
      account: PROD,
      region: "eu-west-2",
      createdAt: "-500d",
      versioning: "Suspended",
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
    },
  ],
  streams: [
    stream(MGMT, "us-east-1", {
      privileged: { perDay: 4 },
      failedLogins: { perDay: 0.3, userNames: ["maria.garcia", "HIDDEN_DUE_TO_SECURITY_REASONS"] },
      consoleLogins: { perDay: 2, mfa: true },
      rootUse: { perDay: 0.1 },
      reads: { perDay: 20 },
    }),
    stream(MGMT, "eu-west-1", {
      privileged: { perDay: 3 },
      reads: { perDay: 10 },
      delivery: { droppedDays: [{ from: "-5d", to: "-3d" }] },
    }),
    stream(PROD, "us-east-1", {
      privileged: { perDay: 5 },
      failedLogins: {
        perDay: 1.5,
        userNames: ["s.chen", "HIDDEN_DUE_TO_SECURITY_REASONS", "deploy-admin"],
        delivery: { missingFraction: 0.5 },
      },
      consoleLogins: { perDay: 3, mfa: false },
      reads: { perDay: 15 },
    }),
    stream(PROD, "eu-west-1", { privileged: { perDay: 6 }, reads: { perDay: 15 } }),
    stream(PROD, "ap-southeast-2", {
      privileged: { perDay: 3 },
      reads: { perDay: 5 },
      delivery: { cloudwatch: false },
    }),
    stream(STG, "eu-west-1", { privileged: { perDay: 2 }, reads: { perDay: 8 } }),
    stream(STG, "us-east-1", { privileged: { perDay: 1 }, failedLogins: { perDay: 0.2 } }),
    stream(DATA, "eu-central-1", { privileged: { perDay: 2 }, reads: { perDay: 10 } }),
    stream(DATA, "eu-south-1", { privileged: { perDay: 1 }, reads: { perDay: 4 } }),
  ],
  alarms: [
    {
      name: "RootAccountUsage",
      account: MGMT,
      region: "us-east-1",
      metricName: "RootAccountUsage",
      actions: ["acme-security-alerts"],
    },
    {
      name: "ConsoleSigninFailures",
      account: MGMT,
      region: "us-east-1",
      metricName: "ConsoleSigninFailures",
      actions: ["acme-security-alerts"],
    },
    {
      name: "CloudTrailChanges",
      account: MGMT,
      region: "us-east-1",
      metricName: "CloudTrailChanges",
      actions: ["acme-security-alerts"],
    },
    {
      name: "IAMPolicyChanges",
      account: MGMT,
      region: "us-east-1",
      metricName: "IAMPolicyChanges",
      actions: ["acme-security-alerts"],
    },
    {
      name: "CMKDisableOrDelete",
      account: MGMT,
      region: "us-east-1",
      metricName: "CMKDisableOrDelete",
      actions: ["acme-kms-alerts"],
    },
    {
      name: "SecurityGroupChanges",
      account: MGMT,
      region: "us-east-1",
      metricName: "SecurityGroupChanges",
      actions: [],
    },
    { name: "DeployWindow", account: MGMT, region: "us-east-1", metricName: "DeploymentsInProgress", namespace: "Ops" },
  ],
  // Security-group changes notify only outside deployments: the AND makes 4.10 depend on another alarm (not coverage).
  compositeAlarms: [
    {
      name: "SecurityGroupChangesOutsideDeploys",
      account: MGMT,
      region: "us-east-1",
      rule: 'ALARM("SecurityGroupChanges") AND NOT ALARM("DeployWindow")',
      actions: ["acme-security-alerts"],
    },
  ],
  snsTopics: [
    {
      name: "acme-security-alerts",
      account: MGMT,
      region: "us-east-1",
      subscriptions: [
        { protocol: "email", endpoint: "secops@acme-analytics.example" },
        { protocol: "https", endpoint: "https://events.pagerduty.example/integration/acme/enqueue" },
      ],
    },
    {
      name: "acme-kms-alerts",
      account: MGMT,
      region: "us-east-1",
      subscriptions: [{ protocol: "email", endpoint: "kms-owners@acme-analytics.example", confirmed: false }],
    },
  ],
  tamper: [
    {
      account: MGMT,
      region: "us-east-1",
      at: "-20d",
      action: "StopLogging",
      target: "acme-org-trail",
      actor: `role:${SSO_ADMIN}/dev.contractor`,
      sourceIP: "198.51.100.77",
    },
    {
      account: MGMT,
      region: "us-east-1",
      at: "-17d",
      action: "StartLogging",
      target: "acme-org-trail",
      actor: `role:${SSO_ADMIN}/maria.garcia`,
      sourceIP: "203.0.113.12",
    },
    {
      account: DATA,
      region: "eu-central-1",
      at: "-25d",
      action: "PutEventSelectors",
      target: "data-platform-audit",
      actor: "user:terraform-ci",
      sourceIP: "203.0.113.87",
    },
    {
      account: DATA,
      region: "eu-central-1",
      at: "-12d",
      action: "PutRetentionPolicy",
      target: "/acme/data-platform/cloudtrail",
      retentionInDays: 30,
      actor: `role:${SSO_ADMIN}/j.okafor`,
      sourceIP: "198.51.100.23",
    },
  ],
};
