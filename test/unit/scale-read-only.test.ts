/** The read-only guard: clients built by the scan's factories refuse anything but reads, before any request is sent. */
import { PutEventSelectorsCommand, StopLoggingCommand } from "@aws-sdk/client-cloudtrail";
import { DeleteBucketCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { AwsClients } from "../../src/collect/aws/clients.js";
import { AzureClients } from "../../src/collect/azure/clients.js";
import { isAwsReadOperation, isAzureReadRequest, ReadOnlyViolation } from "../../src/scan/read-only.js";

// Nothing listens on port 9: a request that got past the guard would fail with a connection error instead.
const DEAD = "http://127.0.0.1:9";
const creds = async () => ({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" });

function aws(): AwsClients {
  return new AwsClients({ env: {}, endpointUrl: DEAD, defaultRegion: "us-east-1", maxAttempts: 1 }, creds);
}

describe("AWS read-only guard", () => {
  it("refuses StopLogging through a factory-built CloudTrail client, naming the operation", async () => {
    const c = aws();
    const err = await c
      .cloudtrail("eu-west-1")
      .send(new StopLoggingCommand({ Name: "t" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadOnlyViolation);
    expect(String((err as Error).message)).toContain("StopLogging");
    expect((err as Error).name).toBe("ReadOnlyViolation");
    c.destroy();
  });

  it("refuses PutEventSelectors and DeleteBucket too", async () => {
    const c = aws();
    await expect(
      c.cloudtrail("us-east-1").send(new PutEventSelectorsCommand({ TrailName: "t", EventSelectors: [] })),
    ).rejects.toThrow(/PutEventSelectors/);
    await expect(c.s3("us-east-1").send(new DeleteBucketCommand({ Bucket: "b" }))).rejects.toThrow(/DeleteBucket/);
    c.destroy();
  });

  it("lets a read through (it reaches the network and fails there, not in the guard)", async () => {
    const c = aws();
    const err = await c
      .sts("us-east-1")
      .send(new GetCallerIdentityCommand({}))
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ReadOnlyViolation);
    c.destroy();
  });

  it("allowlist: reads only", () => {
    for (const op of ["LookupEvents", "DescribeTrailsCommand", "AssumeRole", "GetQueryResults", "ListObjectsV2"])
      expect(isAwsReadOperation(op), op).toBe(true);
    for (const op of ["StopLogging", "DeleteTrail", "PutBucketPolicy", "UpdateTrail", "CreateTrail", "StartLogging"])
      expect(isAwsReadOperation(op), op).toBe(false);
  });
});

describe("Azure read-only guard", () => {
  it("refuses a PUT and a DELETE through a factory-built client's pipeline", async () => {
    const clients = new AzureClients({ BLINDSPOT_AZURE_ENDPOINT: DEAD }, undefined);
    const pipeline = clients.monitor("00000000-0000-0000-0000-000000000001", undefined).pipeline;
    for (const method of ["PUT", "DELETE", "PATCH"] as const) {
      const req = createPipelineRequest({
        url: "https://management.azure.com/subscriptions/s/providers/Microsoft.Insights/diagnosticSettings/x?api-version=2021-05-01-preview",
        method,
      });
      const err = await pipeline.sendRequest(createDefaultHttpClient(), req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadOnlyViolation);
      expect(String((err as Error).message)).toContain(`${method} /subscriptions/s/providers/Microsoft.Insights`);
    }
  });

  it("refuses an ARM POST (e.g. listKeys) through armGet's client but allows GET and the query POSTs", () => {
    expect(isAzureReadRequest("GET", "https://management.azure.com/subscriptions?api-version=2022-12-01")).toBe(true);
    expect(isAzureReadRequest("POST", "https://api.loganalytics.io/v1/workspaces/abc-123/query")).toBe(true);
    expect(isAzureReadRequest("POST", "https://api.loganalytics.io/v1/$batch")).toBe(true);
    expect(
      isAzureReadRequest(
        "POST",
        "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/listKeys",
      ),
    ).toBe(false);
    expect(isAzureReadRequest("PUT", "https://api.loganalytics.io/v1/workspaces/abc/query")).toBe(false);
  });

  it("every client the factory builds carries the guard", () => {
    const clients = new AzureClients({ BLINDSPOT_AZURE_ENDPOINT: DEAD }, undefined);
    for (const p of [
      clients.subscriptions(undefined).pipeline,
      clients.monitor("s", undefined).pipeline,
      clients.workspaces("s", undefined).pipeline,
      clients.logs(undefined).pipeline,
    ])
      expect(p.getOrderedPolicies().map((x) => x.name)).toContain("blindspotReadOnlyGuard");
  });
});
