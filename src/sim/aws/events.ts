/**
 * CloudTrail event generation: expands a scenario's compact event streams into events (lazily, per account) and
 * renders them as full CloudTrail records. Deterministic for the scenario seed.
 */
import type { DeliverySpec, StreamSpec, TamperSpec } from "../scenario/aws.js";
import { resolveTime } from "../scenario/time.js";
import { DAY_MS, hash32, idBody, isoSeconds, prng, uuidFor, uuidFrom } from "./util.js";

export type EventKind =
  | "privileged"
  | "failedLogin"
  | "consoleLogin"
  | "root"
  | "read"
  | "explicit"
  | "tamper"
  | "live";

export interface SimEvent {
  id: string;
  time: number;
  name: string;
  source: string;
  readOnly: boolean;
  account: string;
  /** Region the event is recorded in (global services: us-east-1). */
  region: string;
  actor: string;
  ip: string;
  kind: EventKind;
  errorCode?: string;
  errorMessage?: string;
  mfa?: boolean;
  userName?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  delivery?: DeliverySpec;
  /** Filled by delivery evaluation: trail ARNs whose CloudWatch group / S3 bucket received the event. */
  cw?: string[];
  s3?: string[];
  /** Log groups (`account|region|name`) the event was delivered to, fixed at delivery time. */
  cwTo?: string[];
  /** The trails (as configured at delivery time) whose buckets received the event. */
  s3To?: { arn: string; s3Bucket: string; s3KeyPrefix?: string; organization: boolean }[];
}

/** Event sources whose events are recorded in us-east-1 whatever region the stream names. */
const GLOBAL_SOURCES = new Set(["iam.amazonaws.com", "organizations.amazonaws.com", "cloudfront.amazonaws.com"]);

/** True for global service events (need IncludeGlobalServiceEvents on the trail). */
export function isGlobalServiceEvent(e: Pick<SimEvent, "source" | "region">): boolean {
  return (
    GLOBAL_SOURCES.has(e.source) ||
    (e.region === "us-east-1" && (e.source === "signin.amazonaws.com" || e.source === "sts.amazonaws.com"))
  );
}

const SOURCE_BY_NAME: Record<string, string> = {};
function reg(source: string, names: string[]): void {
  for (const n of names) SOURCE_BY_NAME[n] = source;
}
reg("iam.amazonaws.com", [
  "DeleteGroupPolicy",
  "DeleteRolePolicy",
  "DeleteUserPolicy",
  "PutGroupPolicy",
  "PutRolePolicy",
  "PutUserPolicy",
  "CreatePolicy",
  "DeletePolicy",
  "CreatePolicyVersion",
  "DeletePolicyVersion",
  "AttachRolePolicy",
  "DetachRolePolicy",
  "AttachUserPolicy",
  "DetachUserPolicy",
  "AttachGroupPolicy",
  "DetachGroupPolicy",
  "CreateAccessKey",
  "CreateUser",
  "DeleteUser",
  "UpdateAccountPasswordPolicy",
  "GetAccountSummary",
  "ListUsers",
  "ListRoles",
  "GetUser",
]);
reg("cloudtrail.amazonaws.com", [
  "CreateTrail",
  "UpdateTrail",
  "DeleteTrail",
  "StartLogging",
  "StopLogging",
  "PutEventSelectors",
  "DescribeTrails",
  "GetTrailStatus",
  "LookupEvents",
]);
reg("kms.amazonaws.com", ["DisableKey", "ScheduleKeyDeletion", "ListKeys", "DescribeKey", "EnableKeyRotation"]);
reg("s3.amazonaws.com", [
  "PutBucketAcl",
  "PutBucketPolicy",
  "PutBucketCors",
  "PutBucketLifecycle",
  "PutBucketReplication",
  "DeleteBucketPolicy",
  "DeleteBucketCors",
  "DeleteBucketLifecycle",
  "DeleteBucketReplication",
  "ListBuckets",
  "GetBucketAcl",
  "GetBucketPolicy",
  "PutBucketPublicAccessBlock",
  "PutObjectLockConfiguration",
  "PutBucketVersioning",
  "PutBucketEncryption",
  "CreateBucket",
]);
reg("config.amazonaws.com", [
  "StopConfigurationRecorder",
  "DeleteDeliveryChannel",
  "PutDeliveryChannel",
  "PutConfigurationRecorder",
]);
reg("organizations.amazonaws.com", [
  "AcceptHandshake",
  "AttachPolicy",
  "CreateAccount",
  "CreateOrganizationalUnit",
  "DeleteOrganizationalUnit",
  "DetachPolicy",
  "InviteAccountToOrganization",
  "LeaveOrganization",
  "MoveAccount",
  "RemoveAccountFromOrganization",
  "UpdatePolicy",
  "ListAccounts",
  "DescribeOrganization",
]);
reg("logs.amazonaws.com", [
  "PutRetentionPolicy",
  "DeleteRetentionPolicy",
  "DeleteLogGroup",
  "CreateLogGroup",
  "DescribeLogGroups",
  "FilterLogEvents",
]);
reg("sts.amazonaws.com", ["GetCallerIdentity", "AssumeRole"]);
reg("signin.amazonaws.com", ["ConsoleLogin"]);

/** The eventSource of an event name (ec2.amazonaws.com when unknown). */
export function sourceFor(name: string): string {
  return SOURCE_BY_NAME[name] ?? "ec2.amazonaws.com";
}

/** Regional privileged names (CIS 4.x classes) used when a stream lists none. */
export const DEFAULT_PRIVILEGED_REGIONAL = [
  "AuthorizeSecurityGroupIngress",
  "CreateSecurityGroup",
  "RevokeSecurityGroupEgress",
  "CreateRoute",
  "ReplaceRouteTableAssociation",
  "CreateNetworkAclEntry",
  "ModifyVpcAttribute",
  "AttachInternetGateway",
  "PutBucketPolicy",
  "PutBucketAcl",
  "DisableKey",
  "StopConfigurationRecorder",
];
/** Added in us-east-1 streams: IAM and Organizations changes. */
export const DEFAULT_PRIVILEGED_GLOBAL = [
  "AttachRolePolicy",
  "PutUserPolicy",
  "CreatePolicyVersion",
  "CreateAccessKey",
];
const READ_NAMES = [
  "DescribeInstances",
  "DescribeSecurityGroups",
  "DescribeVpcs",
  "ListBuckets",
  "GetBucketAcl",
  "DescribeTrails",
  "GetTrailStatus",
  "DescribeLogGroups",
  "ListKeys",
  "DescribeKey",
  "GetCallerIdentity",
];
const DEFAULT_ACTORS = [
  "role:AWSReservedSSO_AdministratorAccess_7f3c2a/maria.garcia",
  "user:deploy-bot",
  "role:Platform/ci-runner",
];
const DEFAULT_IPS = ["203.0.113.10", "203.0.113.45", "198.51.100.17", "198.51.100.202"];
const FAILED_LOGIN_IPS = ["192.0.2.66", "192.0.2.131", "203.0.113.250"];
const USER_AGENTS = [
  "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard",
  "Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.4 cfg/retry-mode#legacy Botocore/1.35.10",
  "terraform-provider-aws/5.62.0 (+https://registry.terraform.io) aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5",
];
const CONSOLE_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

/** Expands one stream into events (unsorted). `streamIndex` keeps ids stable when other streams change. */
export function expandStream(s: StreamSpec, streamIndex: number, seed: number, now: Date): SimEvent[] {
  const out: SimEvent[] = [];
  const from = resolveTime(s.from, now).getTime();
  const to = Math.min(resolveTime(s.to, now).getTime(), now.getTime());
  const actors = s.actors ?? DEFAULT_ACTORS;
  const ips = s.sourceIPs ?? DEFAULT_IPS;
  const base = `${seed}|${s.account}|${s.region}|${streamIndex}`;

  const gen = (
    kind: EventKind,
    perDay: number,
    make: (rand: () => number, time: number, n: number) => Omit<SimEvent, "id" | "time" | "account" | "kind">,
    delivery: DeliverySpec | undefined,
  ) => {
    if (perDay <= 0 || to <= from) return;
    const rand = prng(hash32(`${base}|${kind}`));
    const days = Math.ceil((to - from) / DAY_MS);
    let n = 0;
    for (let d = 0; d < days; d++) {
      const count = Math.floor((d + 1) * perDay) - Math.floor(d * perDay);
      for (let i = 0; i < count; i++) {
        const slot = DAY_MS / count;
        const time = Math.floor(from + d * DAY_MS + i * slot + rand() * slot);
        const id = uuidFrom(rand);
        const r = rand();
        if (time >= to) continue;
        const fields = make(() => r, time, n++);
        out.push({
          id,
          time,
          account: s.account,
          kind,
          ...fields,
          delivery: mergeDelivery(s.delivery, delivery),
        });
      }
    }
  };

  const pick = <T>(arr: readonly T[], r: number): T => arr[Math.floor(r * arr.length) % arr.length]!;
  if (s.privileged) {
    const names =
      s.privileged.names ??
      (s.region === "us-east-1"
        ? [...DEFAULT_PRIVILEGED_REGIONAL, ...DEFAULT_PRIVILEGED_GLOBAL]
        : DEFAULT_PRIVILEGED_REGIONAL);
    gen(
      "privileged",
      s.privileged.perDay,
      (r, _t, n) => {
        const name = names[n % names.length]!;
        const source = sourceFor(name);
        return {
          name,
          source,
          readOnly: false,
          region: GLOBAL_SOURCES.has(source) ? "us-east-1" : s.region,
          actor: pick(actors, r()),
          ip: pick(ips, (r() * 7) % 1),
          requestParameters: paramsFor(name, s.account, n),
        };
      },
      s.privileged.delivery,
    );
  }
  if (s.failedLogins) {
    const users = s.failedLogins.userNames ?? ["maria.garcia", "HIDDEN_DUE_TO_SECURITY_REASONS", "j.okafor"];
    gen(
      "failedLogin",
      s.failedLogins.perDay,
      (r, _t, n) => ({
        name: "ConsoleLogin",
        source: "signin.amazonaws.com",
        readOnly: false,
        region: s.region,
        actor: `user:${users[n % users.length]}`,
        userName: users[n % users.length],
        ip: pick(FAILED_LOGIN_IPS, r()),
        errorMessage: "Failed authentication",
        mfa: false,
      }),
      s.failedLogins.delivery,
    );
  }
  if (s.consoleLogins) {
    const mfa = s.consoleLogins.mfa;
    gen(
      "consoleLogin",
      s.consoleLogins.perDay,
      (r) => {
        const actor = pick(actors, r());
        return {
          name: "ConsoleLogin",
          source: "signin.amazonaws.com",
          readOnly: false,
          region: s.region,
          actor,
          ip: pick(ips, r()),
          mfa,
        };
      },
      s.consoleLogins.delivery,
    );
  }
  if (s.rootUse) {
    gen(
      "root",
      s.rootUse.perDay,
      (r, _t, n) => {
        const name = n % 2 === 0 ? "ConsoleLogin" : "CreateAccessKey";
        return {
          name,
          source: sourceFor(name),
          readOnly: false,
          region: "us-east-1",
          actor: "root",
          ip: pick(ips, r()),
          mfa: true,
        };
      },
      s.rootUse.delivery,
    );
  }
  if (s.reads) {
    gen(
      "read",
      s.reads.perDay,
      (r, _t, n) => {
        const name = READ_NAMES[n % READ_NAMES.length]!;
        const denied = r() < 0.03;
        return {
          name,
          source: sourceFor(name),
          readOnly: true,
          region: s.region,
          actor: pick(actors, (n * 0.37) % 1),
          ip: pick(ips, r()),
          ...(denied
            ? {
                errorCode:
                  name.startsWith("Describe") && sourceFor(name) === "ec2.amazonaws.com"
                    ? "Client.UnauthorizedOperation"
                    : "AccessDenied",
                errorMessage: "You are not authorized to perform this operation.",
              }
            : {}),
        };
      },
      s.reads.delivery,
    );
  }
  s.events.forEach((ev, i) => {
    const time = resolveTime(ev.at, now).getTime();
    const source = ev.source ?? sourceFor(ev.name);
    out.push({
      id: ev.id ?? uuidFor(`${base}|explicit|${i}`),
      time,
      name: ev.name,
      source,
      readOnly: ev.readOnly ?? /^(Describe|List|Get|Lookup)/.test(ev.name),
      account: s.account,
      region: GLOBAL_SOURCES.has(source) ? "us-east-1" : s.region,
      actor: ev.actor ?? actors[0]!,
      ip: ev.sourceIP ?? ips[0]!,
      kind: "explicit",
      ...(ev.errorCode ? { errorCode: ev.errorCode } : {}),
      ...(ev.errorMessage ? { errorMessage: ev.errorMessage } : {}),
      ...(ev.name === "ConsoleLogin" ? { mfa: !ev.errorMessage } : {}),
      ...(ev.requestParameters ? { requestParameters: ev.requestParameters } : {}),
      delivery: mergeDelivery(s.delivery, ev.delivery),
    });
  });
  return out;
}

/** The event a tamper action leaves in event history. */
export function tamperEvent(t: TamperSpec, index: number, seed: number, now: Date): SimEvent {
  const source = sourceFor(t.action);
  const trailish = source === "cloudtrail.amazonaws.com";
  return {
    id: t.id ?? uuidFor(`${seed}|tamper|${index}`),
    time: resolveTime(t.at, now).getTime(),
    name: t.action,
    source,
    readOnly: false,
    account: t.account,
    region: t.region,
    actor: t.actor,
    ip: t.sourceIP,
    kind: "tamper",
    requestParameters: trailish
      ? { name: t.target }
      : t.action === "PutRetentionPolicy"
        ? { logGroupName: t.target, retentionInDays: t.retentionInDays ?? 1 }
        : { logGroupName: t.target },
    responseElements: null,
  };
}

function mergeDelivery(a: DeliverySpec | undefined, b: DeliverySpec | undefined): DeliverySpec | undefined {
  if (!a) return b;
  if (!b) return a;
  return { ...a, ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) };
}

function paramsFor(name: string, account: string, n: number): Record<string, unknown> {
  const sg = `sg-0${idBody(`sg${account}${n}`, 16)
    .toLowerCase()
    .replace(/[^0-9a-f]/g, "a")}`;
  switch (name) {
    case "AuthorizeSecurityGroupIngress":
      return {
        groupId: sg,
        ipPermissions: {
          items: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
        },
      };
    case "CreateSecurityGroup":
      return { groupName: `app-${n}`, groupDescription: "application tier", vpcId: "vpc-0a1b2c3d4e5f60718" };
    case "AttachRolePolicy":
      return { roleName: "ci-deploy", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" };
    case "PutUserPolicy":
      return { userName: "deploy-bot", policyName: "inline-s3", policyDocument: '{"Version":"2012-10-17"}' };
    case "PutBucketPolicy":
      return { bucketName: `app-assets-${account}`, bucketPolicy: { Version: "2012-10-17" } };
    case "DisableKey":
      return { keyId: `arn:aws:kms:us-east-1:${account}:key/${uuidFor(`key${account}`)}` };
    default:
      return {};
  }
}

export interface ActorIdentity {
  userIdentity: Record<string, unknown>;
}

/** CloudTrail userIdentity for an actor spec. */
export function userIdentity(actor: string, account: string, time: number): Record<string, unknown> {
  if (actor === "root") {
    return {
      type: "Root",
      principalId: account,
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      accessKeyId: `ASIA${idBody(`root${account}`, 16)}`,
    };
  }
  const [type, rest] = [actor.slice(0, actor.indexOf(":")), actor.slice(actor.indexOf(":") + 1)];
  if (type === "user") {
    return {
      type: "IAMUser",
      principalId: `AIDA${idBody(`user${account}${rest}`, 17)}`,
      arn: `arn:aws:iam::${account}:user/${rest}`,
      accountId: account,
      accessKeyId: `AKIA${idBody(`key${account}${rest}`, 16)}`,
      userName: rest,
    };
  }
  if (type === "role") {
    const [role, session] = rest.split("/") as [string, string];
    const roleId = `AROA${idBody(`role${account}${role}`, 17)}`;
    return {
      type: "AssumedRole",
      principalId: `${roleId}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: `ASIA${idBody(`sess${account}${rest}${Math.floor(time / 3_600_000)}`, 16)}`,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: roleId,
          arn: `arn:aws:iam::${account}:role/${role}`,
          accountId: account,
          userName: role,
        },
        attributes: { creationDate: isoSeconds(time - 600_000), mfaAuthenticated: "false" },
      },
    };
  }
  return { type: "AWSService", invokedBy: rest };
}

/**
 * The full CloudTrail record of an event (what LookupEvents' CloudTrailEvent, CloudWatch Logs and S3 carry). Its
 * `eventID` is always `e.id` (the Logs Insights rows in logs.ts answer `eventID` from the event without rendering).
 */
export function renderRecord(e: SimEvent): Record<string, unknown> {
  const ui = userIdentity(e.actor, e.account, e.time);
  const requestId = uuidFor(`req${e.id}`);
  if (e.name === "ConsoleLogin") {
    const failed = Boolean(e.errorMessage);
    if (failed && e.userName) ui.userName = e.userName;
    if (failed) delete ui.accessKeyId;
    const rec: Record<string, unknown> = {
      eventVersion: "1.09",
      userIdentity: failed ? { ...ui, accessKeyId: "" } : { ...ui, accessKeyId: "" },
      eventTime: isoSeconds(e.time),
      eventSource: "signin.amazonaws.com",
      eventName: "ConsoleLogin",
      awsRegion: e.region,
      sourceIPAddress: e.ip,
      userAgent: CONSOLE_UA,
      requestParameters: null,
      responseElements: { ConsoleLogin: failed ? "Failure" : "Success" },
      additionalEventData: {
        LoginTo: "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
        MobileVersion: "No",
        MFAUsed: e.mfa ? "Yes" : "No",
      },
      eventID: e.id,
      readOnly: false,
      eventType: "AwsConsoleSignIn",
      managementEvent: true,
      recipientAccountId: e.account,
      eventCategory: "Management",
      tlsDetails: {
        tlsVersion: "TLSv1.3",
        cipherSuite: "TLS_AES_128_GCM_SHA256",
        clientProvidedHostHeader: "signin.aws.amazon.com",
      },
    };
    if (failed) {
      rec.errorMessage = e.errorMessage;
    }
    return rec;
  }
  const rec: Record<string, unknown> = {
    eventVersion: "1.09",
    userIdentity: ui,
    eventTime: isoSeconds(e.time),
    eventSource: e.source,
    eventName: e.name,
    awsRegion: e.region,
    sourceIPAddress: e.actor.startsWith("service:") ? e.actor.slice(8) : e.ip,
    userAgent: e.actor.startsWith("service:") ? e.actor.slice(8) : USER_AGENTS[hash32(e.id) % USER_AGENTS.length],
  };
  if (e.errorCode) {
    rec.errorCode = e.errorCode;
    rec.errorMessage = e.errorMessage ?? "Access Denied";
  }
  rec.requestParameters = e.requestParameters === undefined ? (e.readOnly ? null : {}) : e.requestParameters;
  rec.responseElements = e.responseElements === undefined ? null : e.responseElements;
  rec.requestID = requestId;
  rec.eventID = e.id;
  rec.readOnly = e.readOnly;
  rec.eventType = e.actor.startsWith("service:") ? "AwsServiceEvent" : "AwsApiCall";
  rec.managementEvent = true;
  rec.recipientAccountId = e.account;
  rec.eventCategory = "Management";
  rec.tlsDetails = {
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    clientProvidedHostHeader: `${e.source.replace(".amazonaws.com", "")}.${e.region}.amazonaws.com`,
  };
  return rec;
}
