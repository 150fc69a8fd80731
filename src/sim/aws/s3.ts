/**
 * S3 REST-XML, path-style (`/bucket`, `/bucket/key`): trail bucket configuration, CloudTrail log files (gzipped
 * `{"Records":[...]}` under `[prefix/]AWSLogs/[o-orgid/]<acct>/CloudTrail/<region>/YYYY/MM/DD/`), and the writes
 * the fix scripts need.
 */
import { gzipSync } from "node:zlib";
import type { SimRequest, SimResponse } from "../types.js";
import { type AwsCallContext, recordWrite } from "./context.js";
import type { SimEvent } from "./events.js";
import type { Bucket } from "./model.js";
import { decodeToken, encodeToken, s3Error, tag } from "./protocol.js";
import { DAY_MS, hash32, idBody } from "./util.js";

const NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Works out the S3 operation name of a request. */
export function s3Operation(req: SimRequest): string {
  const { bucket, key } = splitPath(req.path);
  const q = req.query;
  const m = req.method;
  if (!bucket) return m === "GET" ? "ListBuckets" : "Unknown";
  if (key) {
    if (m === "GET") return "GetObject";
    if (m === "HEAD") return "HeadObject";
    if (m === "PUT") return "PutObject";
    return "Unknown";
  }
  const sub: [string, string, string][] = [
    ["object-lock", "GetObjectLockConfiguration", "PutObjectLockConfiguration"],
    ["versioning", "GetBucketVersioning", "PutBucketVersioning"],
    ["encryption", "GetBucketEncryption", "PutBucketEncryption"],
    ["publicAccessBlock", "GetPublicAccessBlock", "PutPublicAccessBlock"],
    ["policyStatus", "GetBucketPolicyStatus", "Unknown"],
    ["policy", "GetBucketPolicy", "PutBucketPolicy"],
    ["lifecycle", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration"],
    ["logging", "GetBucketLogging", "PutBucketLogging"],
    ["location", "GetBucketLocation", "Unknown"],
  ];
  for (const [param, get, put] of sub) {
    if (q.has(param)) return m === "GET" ? get : m === "PUT" ? put : "Unknown";
  }
  if (m === "GET") return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
  if (m === "HEAD") return "HeadBucket";
  if (m === "PUT") return "CreateBucket";
  return "Unknown";
}

export const s3Writes = new Set([
  "PutObjectLockConfiguration",
  "PutBucketVersioning",
  "PutBucketEncryption",
  "PutPublicAccessBlock",
  "PutBucketPolicy",
  "PutBucketLifecycleConfiguration",
  "PutBucketLogging",
  "CreateBucket",
  "PutObject",
]);

function splitPath(path: string): { bucket: string; key: string } {
  const p = path.replace(/^\/+/, "");
  const i = p.indexOf("/");
  if (i < 0) return { bucket: decodeURIComponent(p), key: "" };
  return { bucket: decodeURIComponent(p.slice(0, i)), key: decodeURIComponent(p.slice(i + 1)) };
}

function ok(body?: string, headers: Record<string, string> = {}): SimResponse {
  return {
    status: 200,
    headers: {
      "x-amz-request-id": idBody(`${Date.now()}${Math.random()}`, 16),
      ...(body ? { "content-type": "application/xml" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` } : {}),
  };
}

function xmlValue(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}
function xmlBlocks(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1]!);
}

/** True when the bucket policy lets CloudTrail write (what CreateTrail/UpdateTrail check). */
export function allowsCloudTrail(b: Bucket): boolean {
  if (b.policy === undefined) return true;
  return b.policy.includes("cloudtrail.amazonaws.com") && b.policy.includes("s3:PutObject");
}

export function defaultTrailBucketPolicy(b: Bucket): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSCloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: `arn:aws:s3:::${b.name}`,
      },
      {
        Sid: "AWSCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${b.name}/AWSLogs/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    ],
  });
}

interface LogObject {
  key: string;
  lastModified: number;
  events: SimEvent[];
}

const objectCache = new WeakMap<Bucket, { v: number; objects: LogObject[] }>();

/** CloudTrail log files in a bucket (after lifecycle expiration), sorted by key. */
export function logObjects(c: AwsCallContext, b: Bucket): LogObject[] {
  const hit = objectCache.get(b);
  if (hit && hit.v === c.model.version) return hit.objects;
  const files = new Map<string, LogObject>();
  const nowMs = c.model.now.getTime();
  for (const { e, trail } of c.model.bucketEvents(b.name)) {
    const key = objectKey(c, trail, e);
    let f = files.get(key);
    if (!f) {
      f = {
        key,
        lastModified: Math.min(Math.ceil((e.time + 1) / 900_000) * 900_000 + 300_000, Math.max(nowMs, e.time)),
        events: [],
      };
      files.set(key, f);
    }
    f.events.push(e);
  }
  const rules = b.lifecycleRules.filter((r) => r.status === "Enabled" && r.expirationDays !== undefined);
  const objects = [...files.values()]
    .filter(
      (o) => !rules.some((r) => o.key.startsWith(r.prefix) && nowMs - o.lastModified > r.expirationDays! * DAY_MS),
    )
    .sort((a, b2) => (a.key < b2.key ? -1 : 1));
  objectCache.set(b, { v: c.model.version, objects });
  return objects;
}

function objectKey(
  c: AwsCallContext,
  t: { arn: string; s3KeyPrefix?: string; organization: boolean },
  e: SimEvent,
): string {
  const d = new Date(Math.floor(e.time / 900_000) * 900_000);
  const y = d.getUTCFullYear();
  const mo = String(d.getUTCMonth() + 1).padStart(2, "0");
  const da = String(d.getUTCDate()).padStart(2, "0");
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mi = String(d.getUTCMinutes()).padStart(2, "0");
  const org = t.organization && c.model.org ? `${c.model.org.id}/` : "";
  const prefix = t.s3KeyPrefix ? `${t.s3KeyPrefix}/` : "";
  const uniq = idBody(`${t.arn}|${e.account}|${e.region}|${d.getTime()}`, 16);
  return `${prefix}AWSLogs/${org}${e.account}/CloudTrail/${e.region}/${y}/${mo}/${da}/${e.account}_CloudTrail_${e.region}_${y}${mo}${da}T${hh}${mi}Z_${uniq}.json.gz`;
}

function objectBody(c: AwsCallContext, o: LogObject): Buffer {
  return gzipSync(`{"Records":[${o.events.map((e) => c.model.message(e)).join(",")}]}`);
}

function etag(key: string): string {
  return `"${hash32(key).toString(16).padStart(8, "0")}${hash32(`${key}#`).toString(16).padStart(8, "0")}${hash32(`${key}##`).toString(16).padStart(8, "0")}${hash32(`${key}###`).toString(16).padStart(8, "0")}"`;
}

function accessDenied(): SimResponse {
  return s3Error("AccessDenied", "Access Denied", 403);
}

function isPolicyPublic(policy: string): boolean {
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown };
    const stmts = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return stmts.some((s) => {
      const st = s as Record<string, unknown>;
      const p = st.Principal;
      const star = p === "*" || (p && typeof p === "object" && (p as Record<string, unknown>).AWS === "*");
      return st.Effect === "Allow" && star && !st.Condition;
    });
  } catch {
    return false;
  }
}

/** Handles one S3 request. */
export function handleS3(c: AwsCallContext): SimResponse {
  const op = c.operation;
  const { bucket: name, key } = splitPath(c.req.path);
  if (op === "ListBuckets") {
    const mine = [...c.model.buckets.values()].filter((b) => b.account === c.account);
    const items = mine
      .map(
        (b) =>
          `<Bucket>${tag("Name", b.name)}${tag("CreationDate", new Date(b.createdAt).toISOString())}${tag("BucketRegion", b.region)}</Bucket>`,
      )
      .join("");
    return ok(
      `<ListAllMyBucketsResult xmlns="${NS}"><Owner>${tag("ID", idBody(`owner${c.account}`, 64).toLowerCase())}</Owner><Buckets>${items}</Buckets></ListAllMyBucketsResult>`,
    );
  }
  if (op === "CreateBucket") return createBucket(c, name);
  const b = c.model.buckets.get(name);
  if (!b) return s3Error("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: name });
  if (b.account !== c.account && !b.readers.includes(c.account)) return accessDenied();
  const body = c.req.body.toString("utf8");
  switch (op) {
    case "HeadBucket":
      return { status: 200, headers: { "x-amz-bucket-region": b.region } };
    case "GetBucketLocation":
      return ok(`<LocationConstraint xmlns="${NS}">${b.region === "us-east-1" ? "" : b.region}</LocationConstraint>`);
    case "GetObjectLockConfiguration": {
      if (!b.objectLock) {
        return s3Error(
          "ObjectLockConfigurationNotFoundError",
          "Object Lock configuration does not exist for this bucket",
          404,
          { BucketName: name },
        );
      }
      const l = b.objectLock;
      const rule = l.mode
        ? `<Rule><DefaultRetention>${tag("Mode", l.mode)}${tag("Days", l.days)}${tag("Years", l.years)}</DefaultRetention></Rule>`
        : "";
      return ok(
        `<ObjectLockConfiguration xmlns="${NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`,
      );
    }
    case "GetBucketVersioning":
      return ok(
        `<VersioningConfiguration xmlns="${NS}">${tag("Status", b.versioning)}${b.versioning ? tag("MfaDelete", b.mfaDelete ?? "Disabled") : ""}</VersioningConfiguration>`,
      );
    case "GetBucketEncryption":
      return ok(
        `<ServerSideEncryptionConfiguration xmlns="${NS}"><Rule><ApplyServerSideEncryptionByDefault>${tag("SSEAlgorithm", b.encryption.algorithm)}${tag("KMSMasterKeyID", b.encryption.kmsKeyId)}</ApplyServerSideEncryptionByDefault>${tag("BucketKeyEnabled", b.encryption.algorithm !== "AES256")}</Rule></ServerSideEncryptionConfiguration>`,
      );
    case "GetPublicAccessBlock": {
      const p = b.publicAccessBlock;
      if (!p) {
        return s3Error(
          "NoSuchPublicAccessBlockConfiguration",
          "The public access block configuration was not found",
          404,
          { BucketName: name },
        );
      }
      return ok(
        `<PublicAccessBlockConfiguration xmlns="${NS}">${tag("BlockPublicAcls", p.blockPublicAcls)}${tag("IgnorePublicAcls", p.ignorePublicAcls)}${tag("BlockPublicPolicy", p.blockPublicPolicy)}${tag("RestrictPublicBuckets", p.restrictPublicBuckets)}</PublicAccessBlockConfiguration>`,
      );
    }
    case "GetBucketPolicy":
      if (b.policy === "")
        return s3Error("NoSuchBucketPolicy", "The bucket policy does not exist", 404, { BucketName: name });
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: b.policy ?? defaultTrailBucketPolicy(b),
      };
    case "GetBucketPolicyStatus": {
      if (b.policy === "")
        return s3Error("NoSuchBucketPolicy", "The bucket policy does not exist", 404, { BucketName: name });
      const restricted = b.publicAccessBlock?.restrictPublicBuckets === true;
      return ok(`<PolicyStatus xmlns="${NS}">${tag("IsPublic", b.isPublic && !restricted)}</PolicyStatus>`);
    }
    case "GetBucketLifecycleConfiguration": {
      if (b.lifecycleRules.length === 0) {
        return s3Error("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 404, {
          BucketName: name,
        });
      }
      const rules = b.lifecycleRules
        .map(
          (r) =>
            `<Rule>${tag("ID", r.id)}<Filter>${tag("Prefix", r.prefix)}</Filter>${tag("Status", r.status)}${r.transitions.map((t) => `<Transition>${tag("Days", t.days)}${tag("StorageClass", t.storageClass)}</Transition>`).join("")}${r.expirationDays !== undefined ? `<Expiration>${tag("Days", r.expirationDays)}</Expiration>` : ""}${r.noncurrentExpirationDays !== undefined ? `<NoncurrentVersionExpiration>${tag("NoncurrentDays", r.noncurrentExpirationDays)}</NoncurrentVersionExpiration>` : ""}</Rule>`,
        )
        .join("");
      return ok(`<LifecycleConfiguration xmlns="${NS}">${rules}</LifecycleConfiguration>`, {
        "x-amz-transition-default-minimum-object-size": "all_storage_classes_128K",
      });
    }
    case "GetBucketLogging":
      return ok(
        `<BucketLoggingStatus xmlns="${NS}">${b.logging ? `<LoggingEnabled>${tag("TargetBucket", b.logging.targetBucket)}${tag("TargetPrefix", b.logging.targetPrefix)}</LoggingEnabled>` : ""}</BucketLoggingStatus>`,
      );
    case "ListObjectsV2":
    case "ListObjects":
      return listObjects(c, b, op === "ListObjectsV2");
    case "GetObject":
    case "HeadObject": {
      const extra = b.extraObjects.get(key);
      if (extra)
        return {
          status: 200,
          headers: { "content-type": "application/octet-stream", etag: etag(key) },
          ...(op === "GetObject" ? { body: extra } : {}),
        };
      const o = logObjects(c, b).find((x) => x.key === key);
      if (!o) return s3Error("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
      const data = objectBody(c, o);
      return {
        status: 200,
        headers: {
          "content-type": "application/x-gzip",
          "content-length": String(data.length),
          etag: etag(key),
          "last-modified": new Date(o.lastModified).toUTCString(),
          "x-amz-server-side-encryption": b.encryption.algorithm,
        },
        ...(op === "GetObject" ? { body: data } : {}),
      };
    }
    // ---- writes ----
    case "PutObject": {
      if (b.account !== c.account) return accessDenied();
      b.extraObjects.set(key, c.req.body);
      return { status: 200, headers: { etag: etag(key) } };
    }
    case "PutBucketVersioning": {
      if (b.account !== c.account) return accessDenied();
      const st = xmlValue(body, "Status");
      if (st !== "Enabled" && st !== "Suspended")
        return s3Error(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema",
          400,
        );
      if (st === "Suspended" && b.objectLock) {
        return s3Error(
          "InvalidBucketState",
          "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
          409,
        );
      }
      b.versioning = st;
      return written(c, "PutBucketVersioning", name);
    }
    case "PutObjectLockConfiguration": {
      if (b.account !== c.account) return accessDenied();
      if (xmlValue(body, "ObjectLockEnabled") !== "Enabled")
        return s3Error(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema",
          400,
        );
      if (b.versioning !== "Enabled") {
        return s3Error(
          "InvalidBucketState",
          "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
          409,
        );
      }
      const mode = xmlValue(body, "Mode");
      if (mode !== undefined && mode !== "GOVERNANCE" && mode !== "COMPLIANCE")
        return s3Error(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema",
          400,
        );
      const days = xmlValue(body, "Days");
      const years = xmlValue(body, "Years");
      if (
        b.objectLock?.mode === "COMPLIANCE" &&
        b.objectLock.days !== undefined &&
        days !== undefined &&
        Number(days) < b.objectLock.days
      ) {
        return accessDenied();
      }
      b.objectLock = {
        ...(mode ? { mode } : {}),
        ...(days ? { days: Number(days) } : {}),
        ...(years ? { years: Number(years) } : {}),
      };
      return written(c, "PutObjectLockConfiguration", name);
    }
    case "PutPublicAccessBlock": {
      if (b.account !== c.account) return accessDenied();
      const v = (n: string) => xmlValue(body, n) === "true";
      b.publicAccessBlock = {
        blockPublicAcls: v("BlockPublicAcls"),
        ignorePublicAcls: v("IgnorePublicAcls"),
        blockPublicPolicy: v("BlockPublicPolicy"),
        restrictPublicBuckets: v("RestrictPublicBuckets"),
      };
      return written(c, "PutBucketPublicAccessBlock", name);
    }
    case "PutBucketLifecycleConfiguration": {
      if (b.account !== c.account) return accessDenied();
      const rules = xmlBlocks(body, "Rule").map((r, i) => {
        const exp = xmlBlocks(r, "Expiration")[0];
        const nce = xmlBlocks(r, "NoncurrentVersionExpiration")[0];
        return {
          id: xmlValue(r, "ID") ?? `rule-${i + 1}`,
          status: (xmlValue(r, "Status") === "Disabled" ? "Disabled" : "Enabled") as "Enabled" | "Disabled",
          prefix: xmlValue(r, "Prefix") ?? "",
          ...(exp && xmlValue(exp, "Days") ? { expirationDays: Number(xmlValue(exp, "Days")) } : {}),
          ...(nce && xmlValue(nce, "NoncurrentDays")
            ? { noncurrentExpirationDays: Number(xmlValue(nce, "NoncurrentDays")) }
            : {}),
          transitions: xmlBlocks(r, "Transition").map((t) => ({
            days: Number(xmlValue(t, "Days") ?? 0),
            storageClass: xmlValue(t, "StorageClass") ?? "GLACIER",
          })),
        };
      });
      if (rules.length === 0)
        return s3Error(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema",
          400,
        );
      b.lifecycleRules = rules;
      c.model.version++;
      return written(c, "PutBucketLifecycle", name);
    }
    case "PutBucketPolicy": {
      if (b.account !== c.account) return accessDenied();
      try {
        JSON.parse(body);
      } catch {
        return s3Error("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400);
      }
      const pub = isPolicyPublic(body);
      if (pub && b.publicAccessBlock?.blockPublicPolicy) return accessDenied();
      b.policy = body;
      b.isPublic = pub;
      return { ...written(c, "PutBucketPolicy", name), status: 204 };
    }
    case "PutBucketEncryption": {
      if (b.account !== c.account) return accessDenied();
      const alg = xmlValue(body, "SSEAlgorithm");
      if (alg !== "AES256" && alg !== "aws:kms" && alg !== "aws:kms:dsse")
        return s3Error(
          "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema",
          400,
        );
      const kid = xmlValue(body, "KMSMasterKeyID");
      b.encryption = { algorithm: alg, ...(kid ? { kmsKeyId: kid } : {}) };
      return written(c, "PutBucketEncryption", name);
    }
    case "PutBucketLogging": {
      if (b.account !== c.account) return accessDenied();
      const tb = xmlValue(body, "TargetBucket");
      if (tb) b.logging = { targetBucket: tb, targetPrefix: xmlValue(body, "TargetPrefix") ?? "" };
      else delete b.logging;
      return written(c, "PutBucketLogging", name);
    }
  }
  return s3Error("NotImplemented", "A header you provided implies functionality that is not implemented", 501);
}

function written(c: AwsCallContext, eventName: string, bucket: string): SimResponse {
  recordWrite(c, "s3.amazonaws.com", eventName, { bucketName: bucket });
  return ok();
}

function createBucket(c: AwsCallContext, name: string): SimResponse {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
    return s3Error("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: name });
  const existing = c.model.buckets.get(name);
  if (existing) {
    if (existing.account === c.account) {
      return s3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        { BucketName: name },
      );
    }
    return s3Error(
      "BucketAlreadyExists",
      "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
      409,
      { BucketName: name },
    );
  }
  const body = c.req.body.toString("utf8");
  const region = xmlValue(body, "LocationConstraint") || "us-east-1";
  if (region !== c.region && !(region === "us-east-1" && c.region === "us-east-1")) {
    if (xmlValue(body, "LocationConstraint") && region !== c.region) {
      return s3Error(
        "IllegalLocationConstraintException",
        `The ${region} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        400,
      );
    }
  }
  const lock = String(c.req.headers["x-amz-bucket-object-lock-enabled"] ?? "").toLowerCase() === "true";
  c.model.buckets.set(name, {
    name,
    account: c.account,
    region: xmlValue(body, "LocationConstraint") || c.region,
    createdAt: Date.now(),
    ...(lock ? { objectLock: {}, versioning: "Enabled" as const } : {}),
    encryption: { algorithm: "AES256" },
    policy: "",
    publicAccessBlock: {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    },
    isPublic: false,
    lifecycleRules: [],
    readers: [],
    extraObjects: new Map(),
  });
  recordWrite(c, "s3.amazonaws.com", "CreateBucket", { bucketName: name });
  return { status: 200, headers: { location: `/${name}` } };
}

function listObjects(c: AwsCallContext, b: Bucket, v2: boolean): SimResponse {
  const q = c.req.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const maxKeys = Math.min(Number(q.get("max-keys") ?? 1000), 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0)
    return s3Error("InvalidArgument", "Provided max-keys not an integer or within integer range", 400);
  let after = q.get("start-after") ?? (v2 ? "" : (q.get("marker") ?? ""));
  const ctoken = q.get("continuation-token");
  if (v2 && ctoken) {
    const t = decodeToken(ctoken);
    if (!t || typeof t.k !== "string")
      return s3Error("InvalidArgument", "The continuation token provided is incorrect", 400);
    after = t.k;
  }
  const all: { key: string; lastModified: number; size: number }[] = [
    ...logObjects(c, b).map((o) => ({ key: o.key, lastModified: o.lastModified, size: 180 + o.events.length * 520 })),
    ...[...b.extraObjects.entries()].map(([key, buf]) => ({ key, lastModified: b.createdAt, size: buf.length })),
  ].sort((x, y) => (x.key < y.key ? -1 : 1));
  const contents: typeof all = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = "";
  for (const o of all) {
    if (!o.key.startsWith(prefix) || o.key <= after) continue;
    let cp: string | undefined;
    if (delimiter) {
      const i = o.key.indexOf(delimiter, prefix.length);
      if (i >= 0) cp = o.key.slice(0, i + delimiter.length);
    }
    if (cp && prefixes.includes(cp)) continue;
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (cp) {
      prefixes.push(cp);
      last = `${cp}\uffff`;
    } else {
      contents.push(o);
      last = o.key;
    }
  }
  const items = contents
    .map(
      (o) =>
        `<Contents>${tag("Key", o.key)}${tag("LastModified", new Date(o.lastModified).toISOString())}${tag("ETag", etag(o.key))}${tag("Size", o.size)}${tag("StorageClass", "STANDARD")}</Contents>`,
    )
    .join("");
  const cps = prefixes.map((p) => `<CommonPrefixes>${tag("Prefix", p)}</CommonPrefixes>`).join("");
  const head = `${tag("Name", b.name)}${tag("Prefix", prefix)}${v2 ? tag("KeyCount", contents.length + prefixes.length) : tag("Marker", q.get("marker") ?? "")}${tag("MaxKeys", maxKeys)}${delimiter ? tag("Delimiter", delimiter) : ""}${tag("IsTruncated", truncated)}`;
  const tail = v2
    ? `${ctoken ? tag("ContinuationToken", ctoken) : ""}${truncated ? tag("NextContinuationToken", encodeToken({ k: last })) : ""}${q.has("start-after") ? tag("StartAfter", q.get("start-after")!) : ""}`
    : truncated && delimiter
      ? tag("NextMarker", last)
      : "";
  return ok(`<ListBucketResult xmlns="${NS}">${head}${items}${cps}${tail}</ListBucketResult>`);
}

export type { AwsCallContext };
