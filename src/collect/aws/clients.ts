/**
 * AWS SDK clients for one identity (ambient or an assumed role), built from the scan's environment, never from
 * `process.env` directly: region, credentials and endpoint overrides (`--endpoint-url`, AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_<SERVICE>) all come from the CollectContext.
 */
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { guardAwsClient } from "../../scan/read-only.js";
import { isServerError } from "../errors.js";
import {
  AWS_CONNECTION_TIMEOUT_MS,
  AWS_REQUEST_TIMEOUT_MS,
  type AwsSdkSettings,
  adaptiveRetryStrategy,
  type SharedHttpHandler,
} from "./http.js";
import {
  cloudtrailSdk,
  credentialProvidersSdk,
  kmsSdk,
  loadEc2Sdk,
  logsSdk,
  organizationsSdk,
  s3Sdk,
  smithyRetry,
  stsSdk,
} from "./sdk.js";

/** The service ids used by AWS_ENDPOINT_URL_<SERVICE> (serviceId upper-cased, spaces to `_`). */
export type AwsServiceKey = "CLOUDTRAIL" | "CLOUDWATCH_LOGS" | "EC2" | "STS" | "ORGANIZATIONS" | "S3" | "KMS";

/** Connection settings shared by every client of a scan. */
export interface AwsConnection {
  env: NodeJS.ProcessEnv;
  /** `--endpoint-url`: wins over every environment variable. */
  endpointUrl?: string;
  /** The region for global-ish calls (STS, Organizations, DescribeRegions). */
  defaultRegion: string;
  maxAttempts?: number;
  /** Told about every failed attempt the SDK will retry (throttling, 5xx, timeouts): for `throttled`/`retry` events. */
  onRetry?: (info: {
    service: AwsServiceKey;
    operation: string;
    region: string;
    attempt: number;
    throttled: boolean;
  }) => void;
  /** The scan's one HTTP handler (shared sockets, a limiter slot per attempt); absent: one handler per client. */
  http?: SharedHttpHandler;
  /** Client settings resolved once per scan (http.ts); absent: each client resolves its own. */
  sdk?: AwsSdkSettings;
}

const THROTTLE_CODES =
  /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|RateExceeded|ProvisionedThroughputExceeded/i;

/** The region the scan starts from: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
export function defaultRegion(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
}

/** The endpoint override for a service, or undefined for the SDK's own resolution. */
export function endpointFor(conn: AwsConnection, service: AwsServiceKey): string | undefined {
  if (conn.endpointUrl) return conn.endpointUrl;
  if (conn.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return undefined;
  return conn.env[`AWS_ENDPOINT_URL_${service}`] || conn.env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The ambient credentials: static keys from the scan environment when present (and no profile was asked for),
 * otherwise the SDK's node provider chain (SSO, ini profiles, process, web identity, container, IMDS).
 */
export function ambientCredentials(env: NodeJS.ProcessEnv, profile: string | undefined): AwsCredentialIdentityProvider {
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const creds: AwsCredentialIdentity = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    return async () => creds;
  }
  const chosen = profile ?? env.AWS_PROFILE;
  return credentialProvidersSdk.fromNodeProviderChain({
    ...(chosen ? { profile: chosen } : {}),
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  });
}

/** Lazily built, cached clients per service and region for one identity. */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly conn: AwsConnection,
    readonly credentials: AwsCredentialIdentityProvider,
  ) {}

  /**
   * The configuration of a client of this identity for one service and region: credentials, adaptive retries,
   * endpoint overrides, the scan's shared HTTP handler and settings. Also used for clients built elsewhere
   * (CloudWatch, SNS) so every client of a scan behaves alike.
   */
  clientConfig(service: string, region: string) {
    const endpoint = endpointFor(this.conn, service as AwsServiceKey);
    return {
      region,
      credentials: this.credentials,
      retryMode: "adaptive" as const,
      ...(this.conn.sdk
        ? { retryStrategy: adaptiveRetryStrategy(this.conn.maxAttempts ?? this.conn.sdk.maxAttempts) }
        : {}),
      // A hung endpoint becomes a recorded timeout (after the SDK's retries), never a scan that never ends.
      requestHandler: this.conn.http ?? {
        connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
        requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      },
      ...(this.conn.sdk?.common ?? {}),
      ...(this.conn.maxAttempts ? { maxAttempts: this.conn.maxAttempts } : {}),
      ...(endpoint ? { endpoint } : {}),
    };
  }

  private get<T>(key: string, make: () => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = guardAwsClient(make());
      this.watchRetries(c, key);
      this.cache.set(key, c);
    }
    return c;
  }

  /** A per-attempt middleware (inside the SDK's retry loop) that reports attempts that failed. */
  private watchRetries(client: unknown, key: string): void {
    const onRetry = this.conn.onRetry;
    const stack = (client as { middlewareStack?: { add: (mw: unknown, opts: Record<string, unknown>) => void } })
      .middlewareStack;
    if (!onRetry || !stack) return;
    const [svc, region = this.conn.defaultRegion] = key.split("/");
    const service = (
      {
        ct: "CLOUDTRAIL",
        logs: "CLOUDWATCH_LOGS",
        ec2: "EC2",
        kms: "KMS",
        sts: "STS",
        "sts-assume": "STS",
        org: "ORGANIZATIONS",
        s3: "S3",
      } as const
    )[svc as "ct"];
    const attempts = new WeakMap<object, number>();
    stack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const attempt = (attempts.get(context) ?? 0) + 1;
        attempts.set(context, attempt);
        try {
          return await next(args);
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
          const status = e.$metadata?.httpStatusCode;
          const throttled = THROTTLE_CODES.test(e.name ?? "") || status === 429;
          if (throttled || isServerError(err) || e.$retryable) {
            onRetry({
              service: service ?? "CLOUDTRAIL",
              operation: (context.commandName ?? "").replace(/Command$/, ""),
              region,
              attempt,
              throttled,
            });
          }
          throw err;
        }
      },
      { step: "finalizeRequest", priority: "low", name: "blindspotRetryEvents" },
    );
  }

  cloudtrail(region: string): CloudTrailClient {
    return this.get(`ct/${region}`, () => new cloudtrailSdk.CloudTrailClient(this.clientConfig("CLOUDTRAIL", region)));
  }
  logs(region: string): CloudWatchLogsClient {
    return this.get(
      `logs/${region}`,
      () => new logsSdk.CloudWatchLogsClient(this.clientConfig("CLOUDWATCH_LOGS", region)),
    );
  }
  /** EC2 (DescribeRegions only): its SDK is the largest by far, so it is loaded when first needed (`loadEc2Sdk`). */
  async ec2(region: string): Promise<EC2Client> {
    const { EC2Client } = await loadEc2Sdk();
    return this.get(`ec2/${region}`, () => new EC2Client(this.clientConfig("EC2", region)));
  }
  kms(region: string): KMSClient {
    return this.get(`kms/${region}`, () => new kmsSdk.KMSClient(this.clientConfig("KMS", region)));
  }
  /** Regional STS (v3 default): tokens are valid in opt-in regions too. */
  sts(region: string): STSClient {
    return this.get(`sts/${region}`, () => new stsSdk.STSClient(this.clientConfig("STS", region)));
  }
  /**
   * Regional STS for AssumeRole into member accounts: its own client, with the SDK's standard retries (backoff on
   * throttling and 5xx) but no adaptive client-side rate limiter. One client assumes every member role, so a single
   * throttle (of any call of the client) would otherwise pace the entry of every later account at the limiter's floor
   * (5/s) for seconds while it recovers; STS's request quota is account-wide and far above one scan's AssumeRole
   * rate, `--concurrency` bounds the requests, and `assumeInto` adds rounds of its own against throttling.
   */
  assumeRoleSts(region: string): STSClient {
    const maxAttempts = this.conn.maxAttempts ?? this.conn.sdk?.maxAttempts;
    return this.get(`sts-assume/${region}`, () => {
      const { retryStrategy: _adaptive, ...config } = this.clientConfig("STS", region);
      return new stsSdk.STSClient({
        ...config,
        retryMode: "standard",
        ...(maxAttempts ? { retryStrategy: new smithyRetry.StandardRetryStrategy(maxAttempts) } : {}),
      });
    });
  }
  organizations(): OrganizationsClient {
    return this.get(
      "org",
      () => new organizationsSdk.OrganizationsClient(this.clientConfig("ORGANIZATIONS", this.conn.defaultRegion)),
    );
  }
  s3(region: string): S3Client {
    const endpoint = endpointFor(this.conn, "S3");
    return this.get(
      `s3/${region}`,
      () =>
        new s3Sdk.S3Client({
          ...this.clientConfig("S3", region),
          ...(this.conn.sdk?.s3 ?? {}),
          followRegionRedirects: true,
          ...(endpoint ? { forcePathStyle: true } : {}),
        }),
    );
  }

  /**
   * Drops the cached SDK clients (with the scan's shared handler, sockets stay open for other clients). The
   * instance stays usable: a later call builds the client it needs again.
   */
  destroy(): void {
    this.drop(() => true);
  }

  /** Drops the cached CloudTrail clients only (one per region): an account's event history is read. */
  dropCloudTrail(): void {
    this.drop((key) => key.startsWith("ct/"));
  }

  private drop(which: (key: string) => boolean): void {
    for (const [key, c] of this.cache) {
      if (!which(key)) continue;
      (c as { destroy?: () => void }).destroy?.();
      this.cache.delete(key);
    }
  }
}
