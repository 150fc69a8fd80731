/**
 * The read-only guard. A scan may only read: every AWS SDK client built for a scan gets an `initialize`-step
 * middleware that refuses any command not on READ_ONLY_AWS_OPERATIONS, and every Azure SDK client gets a pipeline
 * policy that refuses any request but GET (and the Log Analytics query POSTs, which read). A refusal is a bug in
 * blindspot, never a cloud's answer: it throws ReadOnlyViolation naming the operation, before anything is sent.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * Every AWS operation a scan may call, by service (SDK command name without `Command`). Exactly what the collectors,
 * the organization walk, destinations and blind-spot sampling call, plus the read calls of detection coverage
 * (CloudWatch alarms, metric filters, SNS subscriptions). Anything else is refused.
 */
export const READ_ONLY_AWS_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  CloudTrail: [
    "DescribeTrails",
    "GetTrailStatus",
    "GetEventSelectors",
    "GetInsightSelectors",
    "ListTrails",
    "GetTrail",
    "ListEventDataStores",
    "GetEventDataStore",
    "LookupEvents",
  ],
  "CloudWatch Logs": [
    "DescribeLogGroups",
    "DescribeMetricFilters",
    "DescribeSubscriptionFilters",
    "DescribeAccountPolicies",
    "FilterLogEvents",
    "StartQuery",
    "GetQueryResults",
  ],
  CloudWatch: ["DescribeAlarms", "DescribeAlarmsForMetric", "ListMetrics"],
  SNS: ["ListTopics", "GetTopicAttributes", "ListSubscriptionsByTopic", "GetSubscriptionAttributes"],
  EC2: ["DescribeRegions"],
  KMS: ["DescribeKey", "GetKeyRotationStatus"],
  STS: ["GetCallerIdentity", "AssumeRole"],
  Organizations: ["DescribeOrganization", "ListAccounts"],
  S3: [
    "ListBuckets",
    "ListObjectsV2",
    "GetObject",
    "HeadBucket",
    "GetBucketLocation",
    "GetBucketEncryption",
    "GetBucketLifecycleConfiguration",
    "GetBucketLogging",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
    "GetObjectLockConfiguration",
    "GetPublicAccessBlock",
  ],
};

const AWS_ALLOWED = new Set(Object.values(READ_ONLY_AWS_OPERATIONS).flat());

/** Thrown when a scan tries anything but a read. Always a bug in blindspot. */
export class ReadOnlyViolation extends Error {
  override readonly name = "ReadOnlyViolation";
  constructor(
    readonly cloud: "aws" | "azure",
    readonly operation: string,
  ) {
    super(
      `read-only guard: blindspot refused to call ${operation} (${cloud}); a scan only reads. This is a bug in blindspot, please report it`,
    );
  }
}

/** True when a scan may call this AWS operation (`LookupEvents` or `LookupEventsCommand`). */
export function isAwsReadOperation(operation: string): boolean {
  return AWS_ALLOWED.has(operation.replace(/Command$/, ""));
}

export const AWS_GUARD_NAME = "blindspotReadOnlyGuard";

interface MiddlewareStackLike {
  add(mw: unknown, opts: Record<string, unknown>): void;
  remove?(name: string): boolean;
}

/**
 * Installs the guard on an AWS SDK v3 client: an `initialize`-step middleware (it runs once per `send`, before
 * serialization, signing and retries) that throws ReadOnlyViolation for any command not on the allowlist.
 */
export function guardAwsClient<T>(client: T): T {
  const stack = (client as { middlewareStack?: MiddlewareStackLike }).middlewareStack;
  if (!stack) throw new Error("read-only guard: not an AWS SDK v3 client");
  stack.remove?.(AWS_GUARD_NAME);
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const op = (context.commandName ?? "").replace(/Command$/, "");
      if (!AWS_ALLOWED.has(op)) throw new ReadOnlyViolation("aws", op || "an unnamed command");
      return next(args);
    },
    { step: "initialize", priority: "high", name: AWS_GUARD_NAME, override: true },
  );
  return client;
}

/** Log Analytics query endpoints (POST bodies are KQL queries, which read): `/v1/workspaces/{id}/query`, `/v1/$batch`. */
const AZURE_QUERY_POST = /^\/v1\/(?:workspaces\/[^/]+\/query|\$batch)\/?$/i;

/** True when a scan may send this Azure request: any GET, or a POST to the Log Analytics query API. */
export function isAzureReadRequest(method: string, url: string): boolean {
  const m = method.toUpperCase();
  if (m === "GET") return true;
  if (m !== "POST") return false;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  return AZURE_QUERY_POST.test(path);
}

export const AZURE_GUARD_NAME = "blindspotReadOnlyGuard";

/** The Azure pipeline policy: refuses every request that is not a read before it leaves the process. */
export function azureReadOnlyPolicy(): PipelinePolicy {
  return {
    name: AZURE_GUARD_NAME,
    sendRequest(request, next) {
      if (!isAzureReadRequest(request.method, request.url)) {
        let path = request.url;
        try {
          path = new URL(request.url).pathname;
        } catch {}
        return Promise.reject(new ReadOnlyViolation("azure", `${request.method} ${path}`));
      }
      return next(request);
    },
  };
}

interface PipelineLike {
  getOrderedPolicies(): { name: string }[];
  addPolicy(policy: PipelinePolicy, options?: Record<string, unknown>): void;
}

/** Installs the guard on an Azure SDK client's pipeline (idempotent). */
export function guardAzureClient<T extends { pipeline: PipelineLike }>(client: T): T {
  if (!client.pipeline.getOrderedPolicies().some((p) => p.name === AZURE_GUARD_NAME)) {
    client.pipeline.addPolicy(azureReadOnlyPolicy(), { phase: "Serialize" });
  }
  return client;
}
