/**
 * The one HTTP layer under every AWS SDK client of a scan.
 *
 * - **Global concurrency per HTTP attempt.** Each request the SDK sends (first attempts and retries alike) takes a
 *   slot of the scan's `Limiter` for as long as it is on the wire. Waiting for a rate-limit token (LookupEvents
 *   2/s, the SDK's adaptive client-side limiter) or sleeping in a retry backoff holds no slot, so one throttled
 *   account-region never idles the rest of the scan.
 * - **Shared keep-alive sockets.** One agent for all clients: the clients of 1,000 accounts reuse the same
 *   connections (and TLS sessions) per endpoint instead of opening their own.
 * - **SDK settings resolved once.** A client resolves about ten settings (FIPS, dual-stack, app id, max attempts,
 *   S3 checksum modes, ...) from the environment and the shared config files when it is built; the scan builds
 *   thousands of clients, so they are resolved once through the SDK's own chain and handed to every client.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AdaptiveRetryStrategy } from "@smithy/core/retry";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Limiter } from "../../scan/limit.js";
import { nodeHttpHandlerSdk, s3Sdk, smithyRetry, stsSdk } from "./sdk.js";

/** Timeouts of every AWS request: a hung endpoint becomes a recorded timeout (after the SDK's retries). */
export const AWS_CONNECTION_TIMEOUT_MS = 10_000;
export const AWS_REQUEST_TIMEOUT_MS = 60_000;

/** A request handler shared by all clients of a scan. `destroy()` (called by each client) keeps the sockets. */
export class SharedHttpHandler {
  readonly metadata = { handlerProtocol: "http/1.1" };
  private readonly inner: NodeHttpHandler;

  constructor(
    private readonly limiter: Limiter,
    maxSockets: number,
  ) {
    this.inner = new nodeHttpHandlerSdk.NodeHttpHandler({
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    });
  }

  handle(
    request: Parameters<NodeHttpHandler["handle"]>[0],
    options?: Parameters<NodeHttpHandler["handle"]>[1],
  ): ReturnType<NodeHttpHandler["handle"]> {
    return this.limiter.run(() => this.inner.handle(request, options));
  }

  /** Per-client changes to a shared handler are not applied (blindspot sets none). */
  updateHttpClientConfig(): void {}

  httpHandlerConfigs() {
    return this.inner.httpHandlerConfigs();
  }

  /** Called by every client's `destroy()`: the shared sockets stay open until `close()`. */
  destroy(): void {}

  /** Closes the sockets (end of the scan). */
  close(): void {
    this.inner.destroy();
  }
}

type Resolved<T> = () => Promise<T>;

/** Client settings the SDK would otherwise resolve per client (environment + shared config files). */
export interface AwsSdkSettings {
  common: {
    useFipsEndpoint: Resolved<boolean>;
    useDualstackEndpoint: Resolved<boolean>;
    userAgentAppId: Resolved<string | undefined>;
    authSchemePreference: Resolved<string[]>;
    maxAttempts: Resolved<number>;
  };
  s3: Record<string, Resolved<unknown>>;
  /** Attempts per call (AWS_MAX_ATTEMPTS / the profile's max_attempts, default 3). */
  maxAttempts: number;
}

/**
 * The SDK's adaptive retry strategy (CUBIC client-side rate limiting after throttling, exponential backoff on
 * throttling and 5xx) for one client. Its rate limiter never drops below 5 requests/s (the SDK's default floor is
 * 0.5/s). The limiter sizes its new rate from the rate it measured before the throttle; a scan builds one client
 * per account, region and service, each sending a few requests, so that measured rate is near zero and one
 * throttle would hold such a client (the one STS client that assumes every member role, for instance) at 0.5/s for
 * seconds. The APIs with lower limits have their own gates (LookupEvents 2/s per account-region, token-bucket.ts).
 */
export function adaptiveRetryStrategy(maxAttempts: number): AdaptiveRetryStrategy {
  return new smithyRetry.AdaptiveRetryStrategy(maxAttempts, {
    rateLimiter: new smithyRetry.DefaultRateLimiter({ minFillRate: 5 }),
  });
}

const COMMON_KEYS = [
  "useFipsEndpoint",
  "useDualstackEndpoint",
  "userAgentAppId",
  "authSchemePreference",
  "maxAttempts",
] as const;
const S3_KEYS = [
  "requestChecksumCalculation",
  "responseChecksumValidation",
  "useArnRegion",
  "disableS3ExpressSessionAuth",
  "sigv4aSigningRegionSet",
] as const;

/**
 * Resolves the per-client settings once, through the SDK's own resolution (so AWS_USE_FIPS_ENDPOINT, a profile's
 * `use_dualstack_endpoint`, AWS_MAX_ATTEMPTS, ... keep their meaning). Makes no request.
 */
export async function resolveSdkSettings(
  region: string,
  credentials: AwsCredentialIdentityProvider,
  http: SharedHttpHandler,
  maxAttempts: number | undefined,
): Promise<AwsSdkSettings> {
  const sts = new stsSdk.STSClient({ region, credentials, requestHandler: http });
  const s3 = new s3Sdk.S3Client({ region, credentials, requestHandler: http });
  try {
    const read = async (config: object, key: string): Promise<Resolved<unknown>> => {
      const v = (config as Record<string, unknown>)[key];
      const value = typeof v === "function" ? await (v as () => Promise<unknown>)() : v;
      return async () => value;
    };
    const common = {} as Record<(typeof COMMON_KEYS)[number], Resolved<unknown>>;
    for (const k of COMMON_KEYS) common[k] = await read(sts.config, k);
    if (maxAttempts) common.maxAttempts = async () => maxAttempts;
    const s3Settings: Record<string, Resolved<unknown>> = {};
    for (const k of S3_KEYS) s3Settings[k] = await read(s3.config, k);
    const attempts = Number(await common.maxAttempts());
    return {
      common: common as AwsSdkSettings["common"],
      s3: s3Settings,
      maxAttempts: Number.isInteger(attempts) && attempts >= 1 ? attempts : 3,
    };
  } finally {
    sts.destroy();
    s3.destroy();
  }
}
