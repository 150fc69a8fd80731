import { describe, expect, it } from "vitest";
import { ambientCredentials, defaultRegion, endpointFor } from "../../src/collect/aws/clients.js";
import { bucketRegionFromLocation, mapLifecycleRule } from "../../src/collect/aws/destinations.js";

describe("AWS connection settings come from the scan environment", () => {
  it("region: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1", () => {
    expect(defaultRegion({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-2" })).toBe("eu-west-1");
    expect(defaultRegion({ AWS_DEFAULT_REGION: "eu-west-2" })).toBe("eu-west-2");
    expect(defaultRegion({})).toBe("us-east-1");
  });

  it("endpoint: --endpoint-url, then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:2" };
    expect(endpointFor({ env, defaultRegion: "us-east-1" }, "S3")).toBe("http://127.0.0.1:2");
    expect(endpointFor({ env, defaultRegion: "us-east-1" }, "CLOUDTRAIL")).toBe("http://127.0.0.1:1");
    expect(endpointFor({ env, endpointUrl: "http://127.0.0.1:3", defaultRegion: "us-east-1" }, "S3")).toBe(
      "http://127.0.0.1:3",
    );
    expect(endpointFor({ env: {}, defaultRegion: "us-east-1" }, "KMS")).toBeUndefined();
    expect(
      endpointFor({ env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, defaultRegion: "us-east-1" }, "S3"),
    ).toBeUndefined();
  });

  it("static keys from the scan environment are used as is (not process.env)", async () => {
    const creds = await ambientCredentials(
      { AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" },
      undefined,
    )();
    expect(creds).toEqual({ accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "secret", sessionToken: "token" });
  });

  it("a missing profile fails to resolve (the scan then skips AWS or reports it)", async () => {
    const provider = ambientCredentials(
      { AWS_CONFIG_FILE: "/nonexistent/blindspot/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/blindspot/creds" },
      "blindspot-test-missing",
    );
    await expect(provider()).rejects.toThrow();
  });
});

describe("S3 facts", () => {
  it("LocationConstraint: empty is us-east-1, EU is eu-west-1", () => {
    expect(bucketRegionFromLocation(undefined)).toBe("us-east-1");
    expect(bucketRegionFromLocation("")).toBe("us-east-1");
    expect(bucketRegionFromLocation("EU")).toBe("eu-west-1");
    expect(bucketRegionFromLocation("ap-south-1")).toBe("ap-south-1");
  });

  it("lifecycle rules: prefix from Filter, Filter.And or the legacy field; tag filters flagged", () => {
    expect(
      mapLifecycleRule({ ID: "a", Status: "Enabled", Filter: { Prefix: "AWSLogs/" }, Expiration: { Days: 30 } }),
    ).toEqual({
      id: "a",
      status: "Enabled",
      prefix: "AWSLogs/",
      expirationDays: 30,
    });
    expect(
      mapLifecycleRule({
        Status: "Enabled",
        Filter: { And: { Prefix: "logs/", Tags: [{ Key: "k", Value: "v" }] } },
        Expiration: { Days: 1 },
      }),
    ).toMatchObject({ prefix: "logs/", tagFilter: true });
    expect(
      mapLifecycleRule({ Status: "Disabled", Prefix: "old/", NoncurrentVersionExpiration: { NoncurrentDays: 5 } }),
    ).toEqual({
      status: "Disabled",
      prefix: "old/",
      noncurrentExpirationDays: 5,
    });
  });
});
