/**
 * The AWS SDK v3 packages a scan uses, loaded with `require`.
 *
 * They are CommonJS bundles. Imported through the ESM loader, each is first lexed for its export names (the bundles
 * are large), which made loading them about twice as slow: ~280 ms against ~145 ms for these packages on the
 * development box, time the scan's first request waited for. `require` returns the very modules an `import` would
 * wrap (one CommonJS cache), so classes are shared with code that imports them (tests).
 *
 * Types still come from `import type` of the packages themselves.
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

export const cloudtrailSdk = load("@aws-sdk/client-cloudtrail") as typeof import("@aws-sdk/client-cloudtrail");
export const logsSdk = load("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs");
export const kmsSdk = load("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
export const organizationsSdk = load("@aws-sdk/client-organizations") as typeof import("@aws-sdk/client-organizations");
export const s3Sdk = load("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
export const stsSdk = load("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
export const cloudwatchSdk = load("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
export const snsSdk = load("@aws-sdk/client-sns") as typeof import("@aws-sdk/client-sns");
export const credentialProvidersSdk = load(
  "@aws-sdk/credential-providers",
) as typeof import("@aws-sdk/credential-providers");
export const smithyRetry = load("@smithy/core/retry") as typeof import("@smithy/core/retry");
export const nodeHttpHandlerSdk = load("@smithy/node-http-handler") as typeof import("@smithy/node-http-handler");

let ec2: Promise<typeof import("@aws-sdk/client-ec2")> | undefined;

/**
 * The EC2 SDK, loaded once on first use (on a later turn of the event loop, so a caller can start it while its
 * requests are on the wire). It takes about as long to load as every other AWS SDK of the scan together and serves
 * one call per account.
 */
export function loadEc2Sdk(): Promise<typeof import("@aws-sdk/client-ec2")> {
  ec2 ??= new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(load("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2"));
      } catch (err) {
        reject(err);
      }
    }),
  );
  return ec2;
}
