/**
 * The CIS AWS Foundations 4.1–4.15 event classes (Security Hub CloudWatch.1–14): for each, the reference filter
 * pattern, representative CloudTrail records every covering filter must match, and near-misses it must not match
 * (routine events: a filter that matches them alarms on everything and is not detection). Records are shaped like
 * real CloudTrail management events as delivered to CloudWatch Logs (one JSON record per log event).
 */
import { CIS_AWS_EVENT_NAMES } from "../../src/model/cis-aws.js";

export interface SampleRecord {
  /** What slips through when a filter misses it, e.g. "ConsoleLogin without MFA by an IAM user". */
  label: string;
  record: Record<string, unknown>;
}

export interface CisAwsClass {
  /** `4.4` (CIS v1.4–v3.0 numbering). */
  id: string;
  securityHub?: string;
  title: string;
  /** Suggested metric name (fix scripts). */
  metricName: string;
  referencePattern: string;
  representatives: SampleRecord[];
  nearMisses: SampleRecord[];
  /**
   * Other records of the class's family that a covering filter may or may not match (e.g. a root sign-in without
   * MFA for 4.2, which 4.3 covers): a filter that matches one of them is about this class, so what it misses is named.
   */
  related?: SampleRecord[];
}

const ACCOUNT = "123456789012";
let n = 0;

function iamUser(name = "alice") {
  return {
    type: "IAMUser",
    principalId: "AIDAEXAMPLEUSERID0001",
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    accessKeyId: "ASIAEXAMPLEKEY000001",
    userName: name,
  };
}
function assumedRole(role = "Admin", session = "bob") {
  return {
    type: "AssumedRole",
    principalId: `AROAEXAMPLEROLEID0001:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: "ASIAEXAMPLEKEY000002",
    sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, userName: role } },
  };
}

/** A CloudTrail management event record. */
function api(
  source: string,
  name: string,
  extra: Record<string, unknown> = {},
  region = source === "iam.amazonaws.com" || source === "organizations.amazonaws.com" ? "us-east-1" : "eu-west-1",
): Record<string, unknown> {
  n++;
  return {
    eventVersion: "1.09",
    userIdentity: assumedRole(),
    eventTime: "2026-11-20T10:00:00Z",
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: "203.0.113.10",
    userAgent: "aws-cli/2.15.0",
    requestParameters: {},
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    readOnly: /^(Describe|Get|List|Head)/.test(name),
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
    ...extra,
  };
}

function consoleLogin(opts: {
  identity: Record<string, unknown>;
  success: boolean;
  mfa: "Yes" | "No";
  region?: string;
}): Record<string, unknown> {
  n++;
  return {
    eventVersion: "1.09",
    userIdentity: opts.identity,
    eventTime: "2026-11-20T10:00:00Z",
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    awsRegion: opts.region ?? "us-east-1",
    sourceIPAddress: "203.0.113.10",
    userAgent: "Mozilla/5.0",
    requestParameters: null,
    responseElements: { ConsoleLogin: opts.success ? "Success" : "Failure" },
    additionalEventData: {
      LoginTo: "https://console.aws.amazon.com/console/home",
      MobileVersion: "No",
      MFAUsed: opts.mfa,
    },
    ...(opts.success ? {} : { errorMessage: "Failed authentication" }),
    eventID: `00000000-0000-4000-9000-${String(n).padStart(12, "0")}`,
    readOnly: false,
    eventType: "AwsConsoleSignIn",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

const ROUTINE: SampleRecord = {
  label: "a routine read (ec2 DescribeInstances)",
  record: api("ec2.amazonaws.com", "DescribeInstances"),
};

/** One representative per event name of a class. */
function byName(source: string, names: readonly string[]): SampleRecord[] {
  const short = source.split(".")[0];
  return names.map((name) => ({ label: `${name} (${short})`, record: api(source, name) }));
}
function reads(source: string, names: readonly string[]): SampleRecord[] {
  const short = source.split(".")[0];
  return [ROUTINE, ...names.map((name) => ({ label: `a routine ${short} ${name}`, record: api(source, name) }))];
}
const or = (names: readonly string[], quote = false) =>
  names.map((x) => `($.eventName = ${quote ? `"${x}"` : x})`).join(" || ");

const IAM_POLICY = CIS_AWS_EVENT_NAMES["4.4 IAM policy changes"].names;
const TRAIL = CIS_AWS_EVENT_NAMES["4.5 CloudTrail configuration"].names;
const KMS = CIS_AWS_EVENT_NAMES["4.7 CMK disable/delete"].names;
const S3 = CIS_AWS_EVENT_NAMES["4.8 S3 bucket policy"].names;
const CONFIG = CIS_AWS_EVENT_NAMES["4.9 AWS Config"].names;
const SG = CIS_AWS_EVENT_NAMES["4.10 security groups"].names;
const NACL = CIS_AWS_EVENT_NAMES["4.11 NACLs"].names;
const GATEWAY = CIS_AWS_EVENT_NAMES["4.12 network gateways"].names;
const ROUTE = CIS_AWS_EVENT_NAMES["4.13 route tables"].names;
const VPC = CIS_AWS_EVENT_NAMES["4.14 VPC"].names;
const ORG = CIS_AWS_EVENT_NAMES["4.15 Organizations"].names;

/** Every CIS AWS 4.x class, in order. */
export const CIS_AWS_CLASSES: readonly CisAwsClass[] = [
  {
    id: "4.1",
    securityHub: "CloudWatch.2",
    title: "unauthorized API calls",
    metricName: "UnauthorizedAPICalls",
    referencePattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    representatives: [
      {
        label: "an EC2 call refused with Client.UnauthorizedOperation",
        record: api("ec2.amazonaws.com", "RunInstances", {
          errorCode: "Client.UnauthorizedOperation",
          errorMessage: "You are not authorized to perform this operation.",
        }),
      },
      {
        label: "an IAM call refused with AccessDenied",
        record: api("iam.amazonaws.com", "CreateUser", {
          errorCode: "AccessDenied",
          errorMessage: "User is not authorized to perform: iam:CreateUser",
        }),
      },
      {
        label: "a KMS call refused with AccessDeniedException",
        record: api("kms.amazonaws.com", "Decrypt", { errorCode: "AccessDeniedException", errorMessage: "denied" }),
      },
    ],
    nearMisses: [
      ROUTINE,
      {
        label: "a throttled call (ThrottlingException)",
        record: api("ec2.amazonaws.com", "DescribeInstances", { errorCode: "ThrottlingException" }),
      },
    ],
  },
  {
    id: "4.2",
    securityHub: "CloudWatch.3",
    title: "console sign-in without MFA",
    metricName: "ConsoleSigninWithoutMFA",
    referencePattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    representatives: [
      {
        label: "ConsoleLogin without MFA by an IAM user",
        record: consoleLogin({ identity: iamUser("alice"), success: true, mfa: "No" }),
      },
      {
        label: "ConsoleLogin without MFA by an IAM user at a regional sign-in endpoint (eu-west-1)",
        record: consoleLogin({ identity: iamUser("carol"), success: true, mfa: "No", region: "eu-west-1" }),
      },
    ],
    related: [
      {
        label: "ConsoleLogin without MFA by the root user",
        record: consoleLogin({
          identity: { type: "Root", principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
          success: true,
          mfa: "No",
        }),
      },
      {
        label: "ConsoleLogin without MFA through IAM Identity Center (AssumedRole)",
        record: consoleLogin({
          identity: assumedRole("AWSReservedSSO_Admin_0123456789abcdef", "bob"),
          success: true,
          mfa: "No",
        }),
      },
    ],
    nearMisses: [
      ROUTINE,
      {
        label: "ConsoleLogin with MFA (every sign-in would alarm)",
        record: consoleLogin({ identity: iamUser("alice"), success: true, mfa: "Yes" }),
      },
    ],
  },
  {
    id: "4.3",
    securityHub: "CloudWatch.1",
    title: "root account use",
    metricName: "RootAccountUsage",
    referencePattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    representatives: [
      {
        label: "an API call by the root user (iam CreateAccessKey)",
        record: api("iam.amazonaws.com", "CreateAccessKey", {
          userIdentity: { type: "Root", principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
        }),
      },
      {
        label: "a console sign-in by the root user",
        record: consoleLogin({
          identity: { type: "Root", principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
          success: true,
          mfa: "Yes",
        }),
      },
    ],
    nearMisses: [ROUTINE],
  },
  {
    id: "4.4",
    securityHub: "CloudWatch.4",
    title: "IAM policy changes",
    metricName: "IAMPolicyChanges",
    referencePattern: `{${IAM_POLICY.map((x) => `($.eventName=${x})`).join("||")}}`,
    representatives: byName("iam.amazonaws.com", IAM_POLICY),
    nearMisses: reads("iam.amazonaws.com", ["GetPolicy", "ListPolicies"]),
  },
  {
    id: "4.5",
    securityHub: "CloudWatch.5",
    title: "CloudTrail configuration changes",
    metricName: "CloudTrailChanges",
    referencePattern: `{ ${or(TRAIL)} }`,
    representatives: byName("cloudtrail.amazonaws.com", TRAIL),
    nearMisses: reads("cloudtrail.amazonaws.com", ["DescribeTrails", "GetTrailStatus"]),
  },
  {
    id: "4.6",
    securityHub: "CloudWatch.6",
    title: "console authentication failures",
    metricName: "ConsoleSigninFailures",
    referencePattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    representatives: [
      {
        label: "a failed ConsoleLogin of an IAM user",
        record: consoleLogin({ identity: iamUser("alice"), success: false, mfa: "No" }),
      },
      {
        label: "a failed ConsoleLogin with an unknown user name (HIDDEN_DUE_TO_SECURITY_REASONS)",
        record: consoleLogin({
          identity: {
            type: "IAMUser",
            accountId: ACCOUNT,
            accessKeyId: "",
            userName: "HIDDEN_DUE_TO_SECURITY_REASONS",
          },
          success: false,
          mfa: "No",
        }),
      },
    ],
    nearMisses: [
      ROUTINE,
      {
        label: "a successful ConsoleLogin",
        record: consoleLogin({ identity: iamUser("alice"), success: true, mfa: "Yes" }),
      },
    ],
  },
  {
    id: "4.7",
    securityHub: "CloudWatch.7",
    title: "disabling or scheduled deletion of customer managed keys",
    metricName: "DisableOrDeleteCMK",
    referencePattern: `{ ($.eventSource = kms.amazonaws.com) && (${or(KMS)}) }`,
    representatives: byName("kms.amazonaws.com", KMS),
    nearMisses: reads("kms.amazonaws.com", ["DescribeKey", "EnableKey"]),
  },
  {
    id: "4.8",
    securityHub: "CloudWatch.8",
    title: "S3 bucket policy changes",
    metricName: "S3BucketPolicyChanges",
    referencePattern: `{ ($.eventSource = s3.amazonaws.com) && (${or(S3)}) }`,
    representatives: byName("s3.amazonaws.com", S3),
    nearMisses: reads("s3.amazonaws.com", ["GetBucketPolicy", "ListBuckets"]),
  },
  {
    id: "4.9",
    securityHub: "CloudWatch.9",
    title: "AWS Config configuration changes",
    metricName: "AWSConfigChanges",
    referencePattern: `{ ($.eventSource = config.amazonaws.com) && (${CONFIG.map((x) => `($.eventName=${x})`).join("||")}) }`,
    representatives: byName("config.amazonaws.com", CONFIG),
    nearMisses: reads("config.amazonaws.com", ["DescribeConfigurationRecorders"]),
  },
  {
    id: "4.10",
    securityHub: "CloudWatch.10",
    title: "security group changes",
    metricName: "SecurityGroupChanges",
    referencePattern: `{${SG.map((x) => `($.eventName=${x})`).join(" || ")}}`,
    representatives: byName("ec2.amazonaws.com", SG),
    nearMisses: reads("ec2.amazonaws.com", ["DescribeSecurityGroups"]),
  },
  {
    id: "4.11",
    securityHub: "CloudWatch.11",
    title: "network ACL changes",
    metricName: "NACLChanges",
    referencePattern: `{ ${or(NACL)} }`,
    representatives: byName("ec2.amazonaws.com", NACL),
    nearMisses: reads("ec2.amazonaws.com", ["DescribeNetworkAcls"]),
  },
  {
    id: "4.12",
    securityHub: "CloudWatch.12",
    title: "network gateway changes",
    metricName: "NetworkGatewayChanges",
    referencePattern: `{ ${or(GATEWAY)} }`,
    representatives: byName("ec2.amazonaws.com", GATEWAY),
    nearMisses: reads("ec2.amazonaws.com", ["DescribeInternetGateways"]),
  },
  {
    id: "4.13",
    securityHub: "CloudWatch.13",
    title: "route table changes",
    metricName: "RouteTableChanges",
    referencePattern: `{ ${or(ROUTE)} }`,
    representatives: byName("ec2.amazonaws.com", ROUTE),
    nearMisses: reads("ec2.amazonaws.com", ["DescribeRouteTables"]),
  },
  {
    id: "4.14",
    securityHub: "CloudWatch.14",
    title: "VPC changes",
    metricName: "VPCChanges",
    referencePattern: `{ ${or(VPC)} }`,
    representatives: byName("ec2.amazonaws.com", VPC),
    nearMisses: reads("ec2.amazonaws.com", ["DescribeVpcs"]),
  },
  {
    id: "4.15",
    title: "AWS Organizations changes",
    metricName: "OrganizationsChanges",
    referencePattern: `{ ($.eventSource = organizations.amazonaws.com) && (${or(ORG, true)}) }`,
    representatives: byName("organizations.amazonaws.com", ORG),
    nearMisses: reads("organizations.amazonaws.com", ["DescribeOrganization", "ListAccounts"]),
  },
];

export function getCisAwsClass(id: string): CisAwsClass | undefined {
  return CIS_AWS_CLASSES.find((c) => c.id === id);
}
