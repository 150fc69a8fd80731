/** CloudTrail (JSON 1.1, X-Amz-Target CloudTrail_20131101.*). */
import type { SimResponse } from "../types.js";
import { type AwsCallContext, type AwsOperation, recordWrite } from "./context.js";
import type { SimEvent } from "./events.js";
import { type AdvancedSelector, advancedFromSpec, type BasicSelector, type Trail } from "./model.js";
import { decodeToken, encodeToken, epoch, jsonBody, jsonError, jsonOk } from "./protocol.js";
import { allowsCloudTrail } from "./s3.js";
import { DAY_MS, isoSeconds } from "./util.js";

const LIST_TRAILS_PAGE = 20;
/** Requests per second allowed for LookupEvents per account and region (CloudTrail's documented quota). */
export const LOOKUP_EVENTS_TPS = 2;

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Trails visible from (account, region): own trails of this region, multi-region replicas, org trails. */
function visibleTrails(c: AwsCallContext): { trail: Trail; shadow: boolean }[] {
  const out: { trail: Trail; shadow: boolean }[] = [];
  for (const t of c.model.trails) {
    const own = t.account === c.account;
    const viaOrg =
      !own && t.organization && c.model.org?.managementAccountId === t.account && c.model.accounts.has(c.account);
    if (!own && !viaOrg) continue;
    if (!c.model.trailInRegion(t, c.region)) continue;
    out.push({ trail: t, shadow: !own || t.homeRegion !== c.region });
  }
  return out;
}

function notFound(c: AwsCallContext, name: string): SimResponse {
  const arn = name.startsWith("arn:") ? name : `arn:aws:cloudtrail:${c.region}:${c.account}:trail/${name}`;
  return jsonError("TrailNotFoundException", `Unknown trail: ${arn} for the user: ${c.account}`);
}

/** Resolves a trail name (current region and account only) or ARN (any trail the account can see). */
function resolveTrail(c: AwsCallContext, name: string | undefined): Trail | SimResponse {
  if (!name)
    return jsonError(
      "InvalidTrailNameException",
      "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).",
    );
  if (name.startsWith("arn:")) {
    const m = /^arn:aws:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/.exec(name);
    if (!m) return jsonError("CloudTrailARNInvalidException", `Invalid ARN: ${name}`);
    const t = c.model.trails.find((x) => x.arn === name);
    if (!t) return notFound(c, name);
    if (t.account !== c.account && !(t.organization && c.model.org?.managementAccountId === t.account)) {
      return jsonError(
        "CloudTrailARNInvalidException",
        `AccountID in ARN is wrong, you can only access resources with AccountID ${c.account}.`,
      );
    }
    return t;
  }
  const t = c.model.trails.find((x) => x.name === name && x.account === c.account && x.homeRegion === c.region);
  return t ?? notFound(c, name);
}

function trailJson(t: Trail): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3Bucket,
    ...(t.s3KeyPrefix ? { S3KeyPrefix: t.s3KeyPrefix } : {}),
    ...(t.snsTopicArn ? { SnsTopicName: t.snsTopicArn.split(":").pop(), SnsTopicARN: t.snsTopicArn } : {}),
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.multiRegion,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidation,
    ...(t.logGroupArn ? { CloudWatchLogsLogGroupArn: t.logGroupArn, CloudWatchLogsRoleArn: t.cwRoleArn } : {}),
    ...(t.kmsKeyId ? { KmsKeyId: t.kmsKeyId } : {}),
    HasCustomEventSelectors: Boolean(t.eventSelectors || t.advancedEventSelectors),
    HasInsightSelectors: t.hasInsightSelectors,
    IsOrganizationTrail: t.organization,
  };
}

const describeTrails: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const includeShadow = b.includeShadowTrails !== false;
  const names = Array.isArray(b.trailNameList) ? (b.trailNameList as unknown[]).map(String) : [];
  const visible = visibleTrails(c);
  let list: Trail[];
  if (names.length > 0) {
    list = [];
    for (const n of names) {
      if (n.startsWith("arn:")) {
        const t = c.model.trails.find((x) => x.arn === n);
        const ok = t && (t.account === c.account || (t.organization && c.model.org?.managementAccountId === t.account));
        if (t && ok) list.push(t);
      } else {
        const t = visible.find((v) => !v.shadow && v.trail.name === n);
        if (t) list.push(t.trail);
      }
    }
  } else {
    list = visible.filter((v) => includeShadow || !v.shadow).map((v) => v.trail);
  }
  return jsonOk({ trailList: list.map(trailJson) });
};

const listTrails: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const all = visibleTrails(c).map((v) => v.trail);
  let start = 0;
  if (typeof b.NextToken === "string") {
    const tok = decodeToken(b.NextToken);
    if (!tok || typeof tok.o !== "number") return jsonError("InvalidNextTokenException", "Invalid NextToken");
    start = tok.o;
  }
  const page = all.slice(start, start + LIST_TRAILS_PAGE);
  const next = start + LIST_TRAILS_PAGE < all.length ? encodeToken({ o: start + LIST_TRAILS_PAGE }) : undefined;
  return jsonOk({
    Trails: page.map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })),
    ...(next ? { NextToken: next } : {}),
  });
};

const getTrail: AwsOperation = (c) => {
  const t = resolveTrail(c, str(jsonBody(c.req).Name));
  if ("status" in t) return t;
  return jsonOk({ Trail: trailJson(t) });
};

const getTrailStatus: AwsOperation = (c) => {
  const t = resolveTrail(c, str(jsonBody(c.req).Name));
  if ("status" in t) return t;
  return jsonOk({
    IsLogging: t.isLogging,
    ...(t.latestDeliveryError ? { LatestDeliveryError: t.latestDeliveryError } : {}),
    ...(t.latestNotificationTime ? { LatestNotificationTime: epoch(t.latestNotificationTime) } : {}),
    LatestDeliveryTime: epoch(t.latestDeliveryTime),
    StartLoggingTime: epoch(t.startLoggingTime),
    ...(t.stopLoggingTime !== undefined ? { StopLoggingTime: epoch(t.stopLoggingTime) } : {}),
    ...(t.latestCloudWatchLogsDeliveryError
      ? { LatestCloudWatchLogsDeliveryError: t.latestCloudWatchLogsDeliveryError }
      : {}),
    ...(t.latestCloudWatchLogsDeliveryTime !== undefined
      ? { LatestCloudWatchLogsDeliveryTime: epoch(t.latestCloudWatchLogsDeliveryTime) }
      : {}),
    ...(t.latestDigestDeliveryTime !== undefined
      ? { LatestDigestDeliveryTime: epoch(t.latestDigestDeliveryTime) }
      : {}),
    ...(t.startLoggingTime !== undefined ? { TimeLoggingStarted: isoSeconds(t.startLoggingTime) } : {}),
    ...(t.stopLoggingTime !== undefined ? { TimeLoggingStopped: isoSeconds(t.stopLoggingTime) } : {}),
    LatestDeliveryAttemptTime: t.latestDeliveryTime !== undefined ? isoSeconds(t.latestDeliveryTime) : "",
    LatestDeliveryAttemptSucceeded: t.latestDeliveryError
      ? ""
      : t.latestDeliveryTime !== undefined
        ? isoSeconds(t.latestDeliveryTime)
        : "",
    LatestNotificationAttemptTime: "",
    LatestNotificationAttemptSucceeded: "",
  });
};

/** The owning account only: an org trail's selectors cannot be read or changed from a member account. */
function ownTrail(c: AwsCallContext, name: string | undefined): Trail | SimResponse {
  const t = resolveTrail(c, name);
  if ("status" in t) return t;
  if (t.account !== c.account) {
    return jsonError(
      "CloudTrailARNInvalidException",
      `AccountID in ARN is wrong, you can only access resources with AccountID ${c.account}.`,
    );
  }
  return t;
}

function selectorsJson(t: Trail): Record<string, unknown> {
  if (t.advancedEventSelectors) return { TrailARN: t.arn, AdvancedEventSelectors: t.advancedEventSelectors };
  return {
    TrailARN: t.arn,
    EventSelectors: t.eventSelectors ?? [
      { ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ],
  };
}

const getEventSelectors: AwsOperation = (c) => {
  const t = ownTrail(c, str(jsonBody(c.req).TrailName));
  if ("status" in t) return t;
  return jsonOk(selectorsJson(t));
};

const LOOKUP_KEYS = [
  "EventId",
  "EventName",
  "ReadOnly",
  "Username",
  "ResourceType",
  "ResourceName",
  "EventSource",
  "AccessKeyId",
];

function usernameOf(e: SimEvent, rec: Record<string, unknown>): string | undefined {
  const ui = rec.userIdentity as Record<string, unknown>;
  if (ui.type === "Root") return "root";
  if (ui.type === "IAMUser") return String(ui.userName ?? "");
  if (ui.type === "AssumedRole") return String(ui.arn).split("/").pop();
  return e.userName;
}

function resourcesOf(e: SimEvent): { ResourceType: string; ResourceName: string }[] {
  const p = e.requestParameters ?? {};
  const out: { ResourceType: string; ResourceName: string }[] = [];
  if (typeof p.groupId === "string") out.push({ ResourceType: "AWS::EC2::SecurityGroup", ResourceName: p.groupId });
  if (typeof p.bucketName === "string") out.push({ ResourceType: "AWS::S3::Bucket", ResourceName: p.bucketName });
  if (typeof p.roleName === "string") out.push({ ResourceType: "AWS::IAM::Role", ResourceName: p.roleName });
  if (typeof p.policyArn === "string") out.push({ ResourceType: "AWS::IAM::Policy", ResourceName: p.policyArn });
  if (typeof p.name === "string" && e.source === "cloudtrail.amazonaws.com")
    out.push({ ResourceType: "AWS::CloudTrail::Trail", ResourceName: p.name });
  if (typeof p.logGroupName === "string")
    out.push({ ResourceType: "AWS::Logs::LogGroup", ResourceName: p.logGroupName });
  if (typeof p.keyId === "string") out.push({ ResourceType: "AWS::KMS::Key", ResourceName: p.keyId });
  return out;
}

/** Token bucket per account-region; returns ms until a token is available, or 0 when the call may proceed. */
function takeLookupToken(buckets: Map<string, { tokens: number; at: number }>, key: string, nowMs: number): number {
  const b = buckets.get(key) ?? { tokens: LOOKUP_EVENTS_TPS, at: nowMs };
  b.tokens = Math.min(LOOKUP_EVENTS_TPS, b.tokens + ((nowMs - b.at) / 1000) * LOOKUP_EVENTS_TPS);
  b.at = nowMs;
  buckets.set(key, b);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return Math.ceil(((1 - b.tokens) / LOOKUP_EVENTS_TPS) * 1000);
}

const lookupEvents: AwsOperation = (c) => {
  const wait = takeLookupToken(c.model.lookupTokens, `${c.account}|${c.region}`, Date.now());
  if (wait > 0) return jsonError("ThrottlingException", "Rate exceeded", 400, { "x-amz-retry-after": String(wait) });
  const b = jsonBody(c.req);
  const attrs = Array.isArray(b.LookupAttributes) ? (b.LookupAttributes as Record<string, unknown>[]) : [];
  if (attrs.length > 1) {
    return jsonError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
  }
  const attr = attrs[0];
  if (attr && (!LOOKUP_KEYS.includes(String(attr.AttributeKey)) || typeof attr.AttributeValue !== "string")) {
    return jsonError(
      "InvalidLookupAttributesException",
      `Lookup attribute key ${String(attr.AttributeKey)} is not valid.`,
    );
  }
  const max = b.MaxResults === undefined ? 50 : Number(b.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 50) {
    return jsonError("InvalidMaxResultsException", "MaxResults must be a number between 1 and 50.");
  }
  const nowMs = c.now.getTime();
  const start = typeof b.StartTime === "number" ? b.StartTime * 1000 : nowMs - 90 * DAY_MS;
  const end = typeof b.EndTime === "number" ? b.EndTime * 1000 : nowMs;
  if (start > end) return jsonError("InvalidTimeRangeException", "Start time must be before end time.");
  if (b.EventCategory !== undefined && b.EventCategory !== "insight") {
    return jsonError("InvalidEventCategoryException", "Event category is not valid.");
  }
  const from = Math.max(start, nowMs - 90 * DAY_MS);
  const paramsKey = JSON.stringify([attr ?? null, b.StartTime ?? null, b.EndTime ?? null, b.EventCategory ?? null]);
  let offset = 0;
  if (typeof b.NextToken === "string") {
    const tok = decodeToken(b.NextToken);
    if (!tok || tok.p !== paramsKey || typeof tok.o !== "number") {
      return jsonError(
        "InvalidNextTokenException",
        "Invalid NextToken. Reuse the same parameters as the previous call.",
      );
    }
    offset = tok.o;
  }
  if (b.EventCategory === "insight") return jsonOk({ Events: [] });
  const events = c.model.events(c.account, c.region);
  const matched: { e: SimEvent; rec: Record<string, unknown> }[] = [];
  let skipped = 0;
  let more = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.time > end) continue;
    if (e.time < from) break;
    let rec: Record<string, unknown> | undefined;
    if (attr) {
      const v = attr.AttributeValue as string;
      switch (attr.AttributeKey) {
        case "EventId":
          if (e.id !== v) continue;
          break;
        case "EventName":
          if (e.name !== v) continue;
          break;
        case "EventSource":
          if (e.source !== v) continue;
          break;
        case "ReadOnly":
          if (String(e.readOnly) !== v) continue;
          break;
        case "Username":
          rec = c.model.render(e);
          if (usernameOf(e, rec) !== v) continue;
          break;
        case "AccessKeyId": {
          rec = c.model.render(e);
          if ((rec.userIdentity as Record<string, unknown>).accessKeyId !== v) continue;
          break;
        }
        case "ResourceType":
          if (!resourcesOf(e).some((r) => r.ResourceType === v)) continue;
          break;
        case "ResourceName":
          if (!resourcesOf(e).some((r) => r.ResourceName === v)) continue;
          break;
      }
    }
    if (skipped < offset) {
      skipped++;
      continue;
    }
    if (matched.length === max) {
      more = true;
      break;
    }
    matched.push({ e, rec: rec ?? c.model.render(e) });
  }
  return jsonOk({
    Events: matched.map(({ e, rec }) => {
      const ui = rec.userIdentity as Record<string, unknown>;
      const username = usernameOf(e, rec);
      return {
        EventId: e.id,
        EventName: e.name,
        ReadOnly: String(e.readOnly),
        ...(typeof ui.accessKeyId === "string" && ui.accessKeyId ? { AccessKeyId: ui.accessKeyId } : {}),
        EventTime: e.time / 1000,
        EventSource: e.source,
        ...(username ? { Username: username } : {}),
        Resources: resourcesOf(e),
        CloudTrailEvent: c.model.message(e),
      };
    }),
    ...(more ? { NextToken: encodeToken({ p: paramsKey, o: offset + max }) } : {}),
  });
};

function edsVisible(c: AwsCallContext) {
  return c.model.eventDataStores.filter((e) => e.account === c.account && e.region === c.region);
}

const listEventDataStores: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const max = typeof b.MaxResults === "number" ? b.MaxResults : 1000;
  const all = edsVisible(c);
  const start = typeof b.NextToken === "string" ? Number(decodeToken(b.NextToken)?.o ?? 0) : 0;
  const page = all.slice(start, start + max);
  return jsonOk({
    EventDataStores: page.map((e) => ({ EventDataStoreArn: e.arn, Name: e.name })),
    ...(start + max < all.length ? { NextToken: encodeToken({ o: start + max }) } : {}),
  });
};

const getEventDataStore: AwsOperation = (c) => {
  const id = str(jsonBody(c.req).EventDataStore) ?? "";
  const e = edsVisible(c).find((x) => x.arn === id || x.name === id || x.arn.endsWith(`/${id}`));
  if (!e) return jsonError("EventDataStoreNotFoundException", `The specified event data store ${id} was not found.`);
  const selectors: AdvancedSelector[] = e.advancedEventSelectors?.map(advancedFromSpec) ?? [
    { Name: "Default management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
  ];
  return jsonOk({
    EventDataStoreArn: e.arn,
    Name: e.name,
    Status: e.status,
    AdvancedEventSelectors: selectors,
    MultiRegionEnabled: e.multiRegion,
    OrganizationEnabled: e.organization,
    RetentionPeriod: e.retentionDays,
    TerminationProtectionEnabled: e.terminationProtection,
    CreatedTimestamp: e.createdAt / 1000,
    UpdatedTimestamp: e.createdAt / 1000,
    ...(e.kmsKeyId ? { KmsKeyId: e.kmsKeyId } : {}),
    BillingMode: e.billingMode,
  });
};

// ---- writes ---------------------------------------------------------------------------------------------------

function record(c: AwsCallContext, name: string, params: Record<string, unknown>): void {
  recordWrite(c, "cloudtrail.amazonaws.com", name, params);
}

function inHomeRegion(c: AwsCallContext, t: Trail): SimResponse | undefined {
  if (t.homeRegion !== c.region) {
    return jsonError(
      "InvalidHomeRegionException",
      `This operation must be called from the trail's home region, ${t.homeRegion}.`,
    );
  }
  return undefined;
}

function applyTrailParams(c: AwsCallContext, t: Trail, b: Record<string, unknown>): SimResponse | undefined {
  if (typeof b.S3BucketName === "string") {
    const bucket = c.model.buckets.get(b.S3BucketName);
    if (!bucket) {
      return jsonError("S3BucketDoesNotExistException", `S3 bucket ${b.S3BucketName} does not exist.`);
    }
    if (!allowsCloudTrail(bucket)) {
      return jsonError(
        "InsufficientS3BucketPolicyException",
        `Incorrect S3 bucket policy is detected for bucket: ${b.S3BucketName}`,
      );
    }
    t.s3Bucket = b.S3BucketName;
  }
  if (typeof b.S3KeyPrefix === "string") t.s3KeyPrefix = b.S3KeyPrefix || undefined;
  if (typeof b.IncludeGlobalServiceEvents === "boolean") t.includeGlobalServiceEvents = b.IncludeGlobalServiceEvents;
  if (typeof b.IsMultiRegionTrail === "boolean") t.multiRegion = b.IsMultiRegionTrail;
  if (typeof b.EnableLogFileValidation === "boolean") t.logFileValidation = b.EnableLogFileValidation;
  if (typeof b.IsOrganizationTrail === "boolean") {
    if (b.IsOrganizationTrail && c.model.org?.managementAccountId !== c.account) {
      return jsonError(
        "NotOrganizationMasterAccountException",
        "The account is not the management account of an organization.",
      );
    }
    t.organization = b.IsOrganizationTrail;
  }
  if (typeof b.KmsKeyId === "string") {
    if (b.KmsKeyId === "") delete t.kmsKeyId;
    else {
      const key = c.model.kmsKey(c.account, c.region, b.KmsKeyId);
      if (!key) return jsonError("KmsKeyNotFoundException", `KMS key ${b.KmsKeyId} not found.`);
      t.kmsKeyId = key.arn;
    }
  }
  if (typeof b.CloudWatchLogsLogGroupArn === "string") {
    if (b.CloudWatchLogsLogGroupArn === "") {
      delete t.logGroupArn;
      delete t.logGroupName;
      delete t.cwRoleArn;
      delete t.latestCloudWatchLogsDeliveryTime;
    } else {
      const m = /^arn:aws:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(b.CloudWatchLogsLogGroupArn);
      if (!m || !c.model.findLogGroup(m[2]!, m[1]!, m[3]!)) {
        return jsonError(
          "InvalidCloudWatchLogsLogGroupArnException",
          "Access denied. Verify in IAM that the role has adequate permissions.",
        );
      }
      if (typeof b.CloudWatchLogsRoleArn !== "string") {
        return jsonError(
          "InvalidCloudWatchLogsRoleArnException",
          "You must specify a role ARN with the log group ARN.",
        );
      }
      t.logGroupArn = `arn:aws:logs:${m[1]}:${m[2]}:log-group:${m[3]}:*`;
      t.logGroupName = m[3]!;
      t.cwRoleArn = b.CloudWatchLogsRoleArn;
    }
  }
  return undefined;
}

const createTrail: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const name = str(b.Name);
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(name)) {
    return jsonError(
      "InvalidTrailNameException",
      "Trail name must start with a letter or number, and be 3 to 128 characters.",
    );
  }
  if (c.model.trails.some((t) => t.account === c.account && t.homeRegion === c.region && t.name === name)) {
    return jsonError("TrailAlreadyExistsException", `Trail ${name} already exists for customer: ${c.account}`);
  }
  if (typeof b.S3BucketName !== "string")
    return jsonError("InvalidS3BucketNameException", "S3 bucket name is required.");
  const nowMs = Date.now();
  const t: Trail = {
    name,
    account: c.account,
    homeRegion: c.region,
    arn: `arn:aws:cloudtrail:${c.region}:${c.account}:trail/${name}`,
    multiRegion: false,
    organization: false,
    includeGlobalServiceEvents: true,
    logFileValidation: false,
    s3Bucket: b.S3BucketName,
    createdAt: nowMs,
    hasInsightSelectors: false,
    isLogging: false,
    stopped: [[nowMs - 1, Number.POSITIVE_INFINITY]],
  };
  const err = applyTrailParams(c, t, b);
  if (err) return err;
  c.model.trails.push(t);
  record(c, "CreateTrail", { name, s3BucketName: t.s3Bucket, isMultiRegionTrail: t.multiRegion });
  const j = trailJson(t);
  delete j.HasCustomEventSelectors;
  delete j.HasInsightSelectors;
  delete j.HomeRegion;
  return jsonOk(j);
};

const updateTrail: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const t = ownTrail(c, str(b.Name));
  if ("status" in t) return t;
  const home = inHomeRegion(c, t);
  if (home) return home;
  const err = applyTrailParams(c, t, b);
  if (err) return err;
  c.model.version++;
  record(c, "UpdateTrail", { name: str(b.Name) });
  const j = trailJson(t);
  delete j.HasCustomEventSelectors;
  delete j.HasInsightSelectors;
  delete j.HomeRegion;
  return jsonOk(j);
};

const startLogging: AwsOperation = (c) => {
  const t = ownTrail(c, str(jsonBody(c.req).Name));
  if ("status" in t) return t;
  const home = inHomeRegion(c, t);
  if (home) return home;
  const nowMs = Date.now();
  if (!t.isLogging) {
    const open = t.stopped.find(([, to]) => to === Number.POSITIVE_INFINITY);
    if (open) open[1] = nowMs;
    t.isLogging = true;
    t.startLoggingTime = nowMs;
    t.latestDeliveryTime = nowMs;
    if (t.logGroupName) t.latestCloudWatchLogsDeliveryTime = nowMs;
  }
  record(c, "StartLogging", { name: t.name });
  return jsonOk({});
};

const stopLogging: AwsOperation = (c) => {
  const t = ownTrail(c, str(jsonBody(c.req).Name));
  if ("status" in t) return t;
  const home = inHomeRegion(c, t);
  if (home) return home;
  record(c, "StopLogging", { name: t.name });
  if (t.isLogging) {
    const nowMs = Date.now();
    t.isLogging = false;
    t.stopLoggingTime = nowMs;
    t.stopped.push([nowMs, Number.POSITIVE_INFINITY]);
  }
  return jsonOk({});
};

const VALID_EXCLUDES = ["kms.amazonaws.com", "rdsdata.amazonaws.com"];

const putEventSelectors: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const t = ownTrail(c, str(b.TrailName));
  if ("status" in t) return t;
  const home = inHomeRegion(c, t);
  if (home) return home;
  const basic = b.EventSelectors as Record<string, unknown>[] | undefined;
  const adv = b.AdvancedEventSelectors as AdvancedSelector[] | undefined;
  if ((basic && adv) || (!basic && !adv)) {
    return jsonError(
      "InvalidParameterCombinationException",
      "You cannot specify both EventSelectors and AdvancedEventSelectors in a PutEventSelectors request.",
    );
  }
  if (basic) {
    if (basic.length > 5) return jsonError("InvalidEventSelectorsException", "You can have up to 5 event selectors.");
    const sels: BasicSelector[] = [];
    for (const s of basic) {
      const rwt = (s.ReadWriteType as BasicSelector["ReadWriteType"]) ?? "All";
      if (!["All", "ReadOnly", "WriteOnly"].includes(rwt))
        return jsonError("InvalidEventSelectorsException", `Value ${rwt} for ReadWriteType is invalid.`);
      const ex = (s.ExcludeManagementEventSources as string[] | undefined) ?? [];
      const bad = ex.find((x) => !VALID_EXCLUDES.includes(x));
      if (bad)
        return jsonError(
          "InvalidEventSelectorsException",
          `Value ${bad} for ExcludeManagementEventSources is invalid.`,
        );
      sels.push({
        ReadWriteType: rwt,
        IncludeManagementEvents: s.IncludeManagementEvents !== false,
        ExcludeManagementEventSources: ex,
        DataResources: (s.DataResources as BasicSelector["DataResources"] | undefined) ?? [],
      });
    }
    t.eventSelectors = sels;
    delete t.advancedEventSelectors;
  } else if (adv) {
    for (const s of adv) {
      if (
        !Array.isArray(s.FieldSelectors) ||
        s.FieldSelectors.length === 0 ||
        !s.FieldSelectors.some((f) => f.Field === "eventCategory")
      ) {
        return jsonError(
          "InvalidEventSelectorsException",
          "Each advanced event selector must include the eventCategory field.",
        );
      }
    }
    t.advancedEventSelectors = adv;
    delete t.eventSelectors;
  }
  c.model.version++;
  record(c, "PutEventSelectors", { trailName: t.name });
  return jsonOk(selectorsJson(t));
};

const deleteTrail: AwsOperation = (c) => {
  const t = ownTrail(c, str(jsonBody(c.req).Name));
  if ("status" in t) return t;
  const home = inHomeRegion(c, t);
  if (home) return home;
  record(c, "DeleteTrail", { name: t.name });
  c.model.trails = c.model.trails.filter((x) => x !== t);
  return jsonOk({});
};

export const cloudtrailOps: Record<string, AwsOperation> = {
  DescribeTrails: describeTrails,
  ListTrails: listTrails,
  GetTrail: getTrail,
  GetTrailStatus: getTrailStatus,
  GetEventSelectors: getEventSelectors,
  LookupEvents: lookupEvents,
  ListEventDataStores: listEventDataStores,
  GetEventDataStore: getEventDataStore,
  CreateTrail: createTrail,
  UpdateTrail: updateTrail,
  StartLogging: startLogging,
  StopLogging: stopLogging,
  PutEventSelectors: putEventSelectors,
  DeleteTrail: deleteTrail,
};
export const cloudtrailWrites = new Set([
  "CreateTrail",
  "UpdateTrail",
  "StartLogging",
  "StopLogging",
  "PutEventSelectors",
  "DeleteTrail",
]);
