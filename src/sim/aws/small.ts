/** Organizations and KMS (JSON 1.1), EC2 DescribeRegions and STS (query/XML). */
import type { SimResponse } from "../types.js";
import { type AwsCallContext, type AwsOperation, recordWrite } from "./context.js";
import type { KmsKey } from "./model.js";
import { DEFAULT_SECRET } from "./model.js";
import {
  decodeToken,
  ec2Error,
  encodeToken,
  formParams,
  jsonBody,
  jsonError,
  jsonOk,
  queryError,
  requestId,
  tag,
  xmlOk,
} from "./protocol.js";
import { DAY_MS, idBody, isoSeconds } from "./util.js";

// ---- Organizations ----------------------------------------------------------------------------------------------

const describeOrganization: AwsOperation = (c) => {
  const org = c.model.org;
  if (!org || !c.model.accounts.has(c.account)) {
    return jsonError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
  }
  const mgmt = c.model.accounts.get(org.managementAccountId);
  return jsonOk({
    Organization: {
      Id: org.id,
      Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
      FeatureSet: org.featureSet,
      MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
      MasterAccountId: org.managementAccountId,
      MasterAccountEmail: mgmt?.email,
      AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
    },
  });
};

const listAccounts: AwsOperation = (c) => {
  const org = c.model.org;
  if (!org) return jsonError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
  if (c.account !== org.managementAccountId) {
    return jsonError("AccessDeniedException", "You don't have permissions to access this resource.");
  }
  const b = jsonBody(c.req);
  const max = b.MaxResults === undefined ? 20 : Number(b.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 20) {
    return jsonError("InvalidInputException", "You provided a value that does not match the required pattern.", 400);
  }
  let start = 0;
  if (typeof b.NextToken === "string") {
    const t = decodeToken(b.NextToken);
    if (!t || typeof t.o !== "number") return jsonError("InvalidInputException", "The NextToken value is not valid.");
    start = t.o;
  }
  const all = [...c.model.accounts.values()];
  const page = all.slice(start, start + max);
  return jsonOk({
    Accounts: page.map((a) => ({
      Id: a.id,
      Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
      Email: a.email,
      Name: a.name,
      Status: a.status,
      State: a.status,
      JoinedMethod: a.id === org.managementAccountId ? "CREATED" : "INVITED",
      JoinedTimestamp: a.joinedAt / 1000,
    })),
    ...(start + max < all.length ? { NextToken: encodeToken({ o: start + max }) } : {}),
  });
};

export const organizationsOps: Record<string, AwsOperation> = {
  DescribeOrganization: describeOrganization,
  ListAccounts: listAccounts,
};

// ---- KMS --------------------------------------------------------------------------------------------------------

function findKey(c: AwsCallContext, aliasAllowed = false): KmsKey | SimResponse {
  const id = jsonBody(c.req).KeyId;
  if (!aliasAllowed && typeof id === "string" && (id.startsWith("alias/") || id.includes(":alias/"))) {
    // Rotation APIs take a key id or key ARN only.
    return jsonError("NotFoundException", `Invalid keyId '${id}'`);
  }
  if (typeof id !== "string" || !id)
    return jsonError(
      "ValidationException",
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  const k = c.model.kmsKey(c.account, c.region, id);
  const arn = id.startsWith("arn:")
    ? id
    : `arn:aws:kms:${c.region}:${c.account}:${id.startsWith("alias/") ? id : `key/${id}`}`;
  if (!k) {
    if (id.startsWith("alias/") || id.includes(":alias/"))
      return jsonError("NotFoundException", `Alias ${arn} is not found.`);
    return jsonError("NotFoundException", `Key '${arn}' does not exist`);
  }
  if (k.account !== c.account) {
    return jsonError(
      "AccessDeniedException",
      `User: ${c.callerArn} is not authorized to perform: kms:${c.operation} on resource: ${k.arn} because no resource-based policy allows the kms:${c.operation} action`,
    );
  }
  return k;
}

const describeKey: AwsOperation = (c) => {
  const k = findKey(c, true);
  if ("status" in k) return k;
  const symmetric = k.keySpec === "SYMMETRIC_DEFAULT";
  return jsonOk({
    KeyMetadata: {
      AWSAccountId: k.account,
      KeyId: k.id,
      Arn: k.arn,
      CreationDate: k.createdAt / 1000,
      Enabled: k.keyState === "Enabled",
      Description: k.description,
      KeyUsage: symmetric ? "ENCRYPT_DECRYPT" : "SIGN_VERIFY",
      KeyState: k.keyState,
      Origin: "AWS_KMS",
      KeyManager: k.keyManager,
      CustomerMasterKeySpec: k.keySpec,
      KeySpec: k.keySpec,
      ...(symmetric ? { EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"] } : { SigningAlgorithms: ["RSASSA_PSS_SHA_256"] }),
      MultiRegion: k.id.startsWith("mrk-"),
    },
  });
};

const getKeyRotationStatus: AwsOperation = (c) => {
  const k = findKey(c);
  if ("status" in k) return k;
  if (k.keySpec !== "SYMMETRIC_DEFAULT") {
    return jsonError("UnsupportedOperationException", `${k.arn} key usage or key spec does not support key rotation.`);
  }
  const enabled = k.keyManager === "AWS" || k.rotation;
  const period = k.keyManager === "AWS" ? 365 : k.rotationPeriodInDays;
  let next: number | undefined;
  if (enabled) {
    const nowMs = c.now.getTime();
    const periodMs = period * DAY_MS;
    next = k.createdAt + Math.ceil((nowMs - k.createdAt) / periodMs) * periodMs;
  }
  return jsonOk({
    KeyRotationEnabled: enabled,
    KeyId: k.arn,
    ...(enabled ? { RotationPeriodInDays: period, NextRotationDate: (next ?? 0) / 1000 } : {}),
  });
};

const enableKeyRotation: AwsOperation = (c) => {
  const k = findKey(c);
  if ("status" in k) return k;
  if (k.keyManager === "AWS") {
    return jsonError(
      "UnsupportedOperationException",
      `${k.arn} is an AWS managed key; its rotation cannot be changed.`,
    );
  }
  if (k.keySpec !== "SYMMETRIC_DEFAULT") {
    return jsonError("UnsupportedOperationException", `${k.arn} key usage or key spec does not support key rotation.`);
  }
  const b = jsonBody(c.req);
  if (b.RotationPeriodInDays !== undefined) {
    const p = Number(b.RotationPeriodInDays);
    if (!Number.isInteger(p) || p < 90 || p > 2560) {
      return jsonError("ValidationException", "The rotation period must be between 90 and 2560 days.");
    }
    k.rotationPeriodInDays = p;
  }
  k.rotation = true;
  recordWrite(c, "kms.amazonaws.com", "EnableKeyRotation", { keyId: k.id });
  return jsonOk({});
};

export const kmsOps: Record<string, AwsOperation> = {
  DescribeKey: describeKey,
  GetKeyRotationStatus: getKeyRotationStatus,
  EnableKeyRotation: enableKeyRotation,
};

// ---- EC2 --------------------------------------------------------------------------------------------------------

function indexed(p: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${prefix}.${i}`); i++) out.push(p.get(`${prefix}.${i}`)!);
  return out;
}

const describeRegions: AwsOperation = (c) => {
  const p = formParams(c.req);
  const all = p.get("AllRegions") === "true";
  const names = indexed(p, "RegionName");
  const filters: { name: string; values: string[] }[] = [];
  for (let i = 1; p.has(`Filter.${i}.Name`); i++) {
    filters.push({ name: p.get(`Filter.${i}.Name`)!, values: indexed(p, `Filter.${i}.Value`) });
  }
  const acct = c.model.accounts.get(c.account);
  if (!acct) return ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
  for (const n of names) {
    if (!acct.regions.has(n)) return ec2Error("InvalidParameterValue", `Invalid region: ${n}`);
  }
  for (const f of filters) {
    if (!["opt-in-status", "region-name", "endpoint"].includes(f.name)) {
      return ec2Error("InvalidParameterValue", `The filter '${f.name}' is invalid`);
    }
  }
  let regions = [...acct.regions.entries()].map(([name, status]) => ({ name, status }));
  if (names.length > 0) regions = regions.filter((r) => names.includes(r.name));
  else if (!all) regions = regions.filter((r) => r.status !== "not-opted-in");
  for (const f of filters) {
    regions = regions.filter((r) => {
      const v =
        f.name === "opt-in-status" ? r.status : f.name === "region-name" ? r.name : `ec2.${r.name}.amazonaws.com`;
      return f.values.includes(v);
    });
  }
  regions.sort((a, b) => (a.name < b.name ? -1 : 1));
  const items = regions
    .map(
      (r) =>
        `<item>${tag("regionName", r.name)}${tag("regionEndpoint", `ec2.${r.name}.amazonaws.com`)}${tag("optInStatus", r.status)}</item>`,
    )
    .join("");
  return xmlOk(
    `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">${tag("requestId", requestId())}<regionInfo>${items}</regionInfo></DescribeRegionsResponse>`,
  );
};

export const ec2Ops: Record<string, AwsOperation> = { DescribeRegions: describeRegions };

// ---- STS --------------------------------------------------------------------------------------------------------

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

const getCallerIdentity: AwsOperation = (c) =>
  xmlOk(
    `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult>${tag("Arn", c.callerArn)}${tag("UserId", c.callerUserId)}${tag("Account", c.account)}</GetCallerIdentityResult><ResponseMetadata>${tag("RequestId", requestId())}</ResponseMetadata></GetCallerIdentityResponse>`,
  );

const assumeRole: AwsOperation = (c) => {
  const p = formParams(c.req);
  const roleArn = p.get("RoleArn") ?? "";
  const session = p.get("RoleSessionName") ?? "";
  if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
    return queryError(
      "ValidationError",
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  }
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!m) return queryError("ValidationError", `${roleArn} is invalid`);
  const target = m[1]!;
  const roleName = m[2]!;
  const acct = c.model.accounts.get(target);
  const role = acct?.roles.find((r) => r.name === roleName);
  const trusted = role?.trustedAccounts ?? [c.model.managementAccountId(), target];
  if (!acct || !role || !trusted.includes(c.account)) {
    return queryError(
      "AccessDenied",
      `User: ${c.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const duration = Number(p.get("DurationSeconds") ?? 3600);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    return queryError(
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  const key = c.model.newSessionKey(target);
  const roleId = `AROA${idBody(`role${target}${roleName}`, 17)}`;
  const arn = `arn:aws:sts::${target}:assumed-role/${roleName}/${session}`;
  c.model.identities.set(key, { account: target, arn, userId: `${roleId}:${session}` });
  const token = Buffer.from(`blindspot-sim|${key}|${session}`).toString("base64");
  return xmlOk(
    `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><AssumedRoleUser>${tag("AssumedRoleId", `${roleId}:${session}`)}${tag("Arn", arn)}</AssumedRoleUser><Credentials>${tag("AccessKeyId", key)}${tag("SecretAccessKey", DEFAULT_SECRET)}${tag("SessionToken", token)}${tag("Expiration", isoSeconds(Date.now() + duration * 1000))}</Credentials></AssumeRoleResult><ResponseMetadata>${tag("RequestId", requestId())}</ResponseMetadata></AssumeRoleResponse>`,
  );
};

export const stsOps: Record<string, AwsOperation> = { GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole };
export const writeOps = new Set(["EnableKeyRotation"]);
