/**
 * src/collect/aws/sdk.ts loads the AWS SDKs with `require` (faster than the ESM loader for CommonJS bundles): the
 * classes must be the very ones an `import` gives (tests and the collectors mix both), and EC2 loads once, later.
 */
import { describe, expect, it } from "vitest";
import { cloudtrailSdk, loadEc2Sdk, s3Sdk, smithyRetry, stsSdk } from "../../src/collect/aws/sdk.js";

describe("AWS SDKs loaded with require", () => {
  it("are the modules an import gives: same classes", async () => {
    expect(cloudtrailSdk.DescribeTrailsCommand).toBe(
      (await import("@aws-sdk/client-cloudtrail")).DescribeTrailsCommand,
    );
    expect(s3Sdk.S3Client).toBe((await import("@aws-sdk/client-s3")).S3Client);
    expect(stsSdk.AssumeRoleCommand).toBe((await import("@aws-sdk/client-sts")).AssumeRoleCommand);
    expect(smithyRetry.StandardRetryStrategy).toBe((await import("@smithy/core/retry")).StandardRetryStrategy);
  });

  it("loads EC2 once, on a later turn of the event loop", async () => {
    let settled = false;
    const first = loadEc2Sdk();
    void first.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    const m = await first;
    expect(loadEc2Sdk()).toBe(first);
    expect(m.DescribeRegionsCommand).toBe((await import("@aws-sdk/client-ec2")).DescribeRegionsCommand);
  });
});
