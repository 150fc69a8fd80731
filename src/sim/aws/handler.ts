/**
 * The AWS protocol handler: claims SigV4-signed requests, works out service, operation, account (from the access
 * key) and region (from the credential scope), rejects calls in regions the account has not enabled, and dispatches.
 */
import type { AwsScenario } from "../scenario/aws.js";
import type { CallInfo, FaultKind, ProtocolHandler, SimContext, SimRequest, SimResponse } from "../types.js";
import { cloudtrailOps, cloudtrailWrites } from "./cloudtrail.js";
import {
  cloudwatchError,
  cloudwatchOps,
  cloudwatchWrites,
  isCloudWatchQuery,
  metricFilterOps,
  metricFilterWrites,
} from "./cloudwatch.js";
import type { AwsCallContext, AwsOperation } from "./context.js";
import { logsOps, logsWrites } from "./logs.js";
import { AwsModel } from "./model.js";
import { ec2Error, formParams, jsonError, parseSigV4, queryError, s3Error } from "./protocol.js";
import { handleS3, s3Operation, s3Writes } from "./s3.js";
import { ec2Ops, kmsOps, organizationsOps, stsOps, writeOps } from "./small.js";
import { snsOps, snsWrites } from "./sns.js";

const JSON_SERVICES: Record<string, Record<string, AwsOperation>> = {
  cloudtrail: cloudtrailOps,
  logs: { ...logsOps, ...metricFilterOps },
  organizations: organizationsOps,
  kms: kmsOps,
  monitoring: cloudwatchOps,
};
const QUERY_SERVICES: Record<string, Record<string, AwsOperation>> = { ec2: ec2Ops, sts: stsOps, sns: snsOps };
const WRITES = new Set([
  ...cloudtrailWrites,
  ...logsWrites,
  ...s3Writes,
  ...writeOps,
  ...cloudwatchWrites,
  ...metricFilterWrites,
  ...snsWrites,
]);

/** Services whose endpoint is global (no per-region opt-in check). */
const GLOBAL_SERVICES = new Set(["organizations", "s3", "iam"]);

function operationOf(service: string, req: SimRequest): string {
  if (service === "s3") return s3Operation(req);
  // CloudWatch speaks JSON 1.0 (X-Amz-Target) and awsQuery (Action=...), like the real service.
  if (service === "monitoring" && isCloudWatchQuery(req)) return formParams(req).get("Action") ?? "Unknown";
  if (service in JSON_SERVICES) {
    const target = String(req.headers["x-amz-target"] ?? "");
    return target.slice(target.lastIndexOf(".") + 1) || "Unknown";
  }
  if (service in QUERY_SERVICES) return formParams(req).get("Action") ?? "Unknown";
  return "Unknown";
}

/** Protocol-correct error for a service. */
export function awsError(service: string, code: string, message: string, status: number): SimResponse {
  if (service === "s3") return s3Error(code, message, status);
  if (service === "ec2") return ec2Error(code, message, status);
  if (service === "sts" || service === "sns")
    return queryError(code, message, status, status >= 500 ? "Receiver" : "Sender");
  return jsonError(code, message, status);
}

export interface AwsHandler extends ProtocolHandler {
  readonly model: AwsModel;
}

export function createAwsHandler(scenario: AwsScenario | undefined, start: Date): AwsHandler {
  const model = new AwsModel(
    scenario ?? {
      accounts: [
        {
          id: "111111111111",
          name: "sim",
          status: "ACTIVE",
          joinedAt: "-400d",
          optInRegions: {},
          roles: [{ name: "OrganizationAccountAccessRole" }],
          accessKeys: [],
        },
      ],
      trails: [],
      eventDataStores: [],
      logGroups: [],
      buckets: [],
      kmsKeys: [],
      streams: [],
      tamper: [],
      seed: 1,
    },
    start,
  );

  /** CloudWatch calls made in the awsQuery protocol (their errors and faults are query XML). */
  const cloudwatchQuery = new WeakSet<CallInfo>();

  return {
    name: "aws",
    model,
    identify(req: SimRequest): CallInfo | undefined {
      const scope = parseSigV4(req);
      if (!scope) return undefined;
      const service = scope.service;
      const operation = operationOf(service, req);
      const identity = model.identityForKey(scope.accessKeyId);
      const call: CallInfo = {
        cloud: "aws",
        service,
        operation,
        write: WRITES.has(operation),
        account: identity.account,
        region: service === "organizations" ? "us-east-1" : scope.region,
      };
      if (service === "monitoring" && isCloudWatchQuery(req)) cloudwatchQuery.add(call);
      return call;
    },
    async handle(req: SimRequest, call: CallInfo, ctx: SimContext): Promise<SimResponse> {
      const scope = parseSigV4(req)!;
      const identity = model.identityForKey(scope.accessKeyId);
      const region = call.region ?? "us-east-1";
      const svc = call.service;
      const cwQuery = cloudwatchQuery.has(call);
      if (!GLOBAL_SERVICES.has(svc) && !model.regionEnabled(identity.account, region)) {
        if (cwQuery)
          return cloudwatchError(
            true,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
          );
        if (svc === "ec2")
          return ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        if (svc === "sts" || svc === "sns")
          return queryError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
        return jsonError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
      }
      const c: AwsCallContext = {
        model,
        account: identity.account,
        region,
        callerArn: identity.arn,
        callerUserId: identity.userId,
        accessKeyId: scope.accessKeyId,
        req,
        operation: call.operation,
        now: ctx.now(),
      };
      if (svc === "s3") return handleS3(c);
      const ops = JSON_SERVICES[svc] ?? QUERY_SERVICES[svc];
      if (!ops) return jsonError("UnknownOperationException", `The service ${svc} is not simulated.`, 400);
      const op = ops[call.operation];
      if (!op) {
        if (cwQuery)
          return cloudwatchError(
            true,
            "InvalidAction",
            `Could not find operation ${call.operation} for version 2010-08-01`,
            400,
          );
        if (svc === "ec2")
          return ec2Error("InvalidAction", `The action ${call.operation} is not valid for this web service.`, 400);
        if (svc === "sts" || svc === "sns")
          return queryError("InvalidAction", `Could not find operation ${call.operation} for version 2011-06-15`, 400);
        return jsonError("UnknownOperationException", "", 400);
      }
      try {
        return await op(c);
      } catch (err) {
        if (err instanceof SyntaxError) return awsError(svc, "SerializationException", "Malformed request body", 400);
        throw err;
      }
    },
    fault(kind: Exclude<FaultKind, "timeout">, call: CallInfo): SimResponse {
      const svc = call.service;
      const action = `${svc === "logs" ? "logs" : svc === "monitoring" ? "cloudwatch" : svc}:${call.operation}`;
      if (cloudwatchQuery.has(call)) {
        if (kind === "denied") {
          const who = `arn:aws:iam::${call.account ?? "000000000000"}:user/blindspot-sim`;
          return cloudwatchError(
            true,
            "AccessDenied",
            `User: ${who} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
            403,
          );
        }
        if (kind === "throttle") return cloudwatchError(true, "Throttling", "Rate exceeded", 400);
        return cloudwatchError(true, "InternalFailure", "An internal error occurred.", 500);
      }
      if (kind === "denied") {
        const who = `arn:aws:iam::${call.account ?? "000000000000"}:user/blindspot-sim`;
        const msg = `User: ${who} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
        if (svc === "s3") return s3Error("AccessDenied", "Access Denied", 403);
        if (svc === "ec2")
          return ec2Error("UnauthorizedOperation", `You are not authorized to perform this operation. ${msg}`, 403);
        if (svc === "sts" || svc === "sns") return queryError("AccessDenied", msg, 403);
        return jsonError("AccessDeniedException", msg, 400);
      }
      if (kind === "throttle") {
        if (svc === "s3") return s3Error("SlowDown", "Please reduce your request rate.", 503);
        if (svc === "ec2") return ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503);
        if (svc === "sts" || svc === "sns") return queryError("Throttling", "Rate exceeded", 400);
        if (svc === "organizations")
          return jsonError(
            "TooManyRequestsException",
            "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.",
            400,
          );
        return jsonError("ThrottlingException", "Rate exceeded", 400);
      }
      if (svc === "s3") return s3Error("InternalError", "We encountered an internal error. Please try again.", 500);
      if (svc === "ec2") return ec2Error("InternalError", "An internal error has occurred", 500);
      if (svc === "sts" || svc === "sns")
        return queryError("InternalFailure", "An internal error occurred.", 500, "Receiver");
      if (svc === "kms") return jsonError("KMSInternalException", "An internal error occurred.", 500);
      if (svc === "logs")
        return jsonError("ServiceUnavailableException", "The service cannot complete the request.", 500);
      if (svc === "organizations")
        return jsonError(
          "ServiceException",
          "AWS Organizations can't complete your request because of an internal service error. Try again later.",
          500,
        );
      return jsonError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
        500,
      );
    },
  };
}
