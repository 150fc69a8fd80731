import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import { GetBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { startSimulator } from "../../src/sim/index.js";
import type { CallLogEntry } from "../../src/sim/types.js";
import { tempDir } from "../helpers/cli.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const MGMT = "111122223333";
const PROD = "444455556666";
const creds = (account: string) => ({ accessKeyId: `AKIASIM${account}X`, secretAccessKey: "x" });

describe("simulator core: call log, denials, faults", () => {
  it("records every call with service, operation, account, region, write flag, status and latency; JSONL on disk", async () => {
    const file = join(tempDir(), "calls.jsonl");
    const sim = await startSimulator({ scenario: "demo", callLogFile: file });
    try {
      const ct = new CloudTrailClient({ endpoint: sim.url, region: "eu-west-1", credentials: creds(PROD) });
      await ct.send(new DescribeTrailsCommand({}));
      await expect(ct.send(new GetTrailStatusCommand({ Name: "nope" }))).rejects.toMatchObject({
        name: "TrailNotFoundException",
      });
      const s3 = new S3Client({
        endpoint: sim.url,
        region: "us-east-1",
        credentials: creds(MGMT),
        forcePathStyle: true,
      });
      await s3.send(new GetBucketVersioningCommand({ Bucket: "acme-org-cloudtrail-111122223333" }));
      const calls = sim.calls();
      expect(calls.map((c) => [c.service, c.operation, c.account, c.region, c.write, c.status])).toEqual([
        ["cloudtrail", "DescribeTrails", PROD, "eu-west-1", false, 200],
        ["cloudtrail", "GetTrailStatus", PROD, "eu-west-1", false, 400],
        ["s3", "GetBucketVersioning", MGMT, "us-east-1", false, 200],
      ]);
      for (const c of calls) {
        expect(c.cloud).toBe("aws");
        expect(c.latencyMs).toBeGreaterThanOrEqual(0);
        expect(c.fault).toBeUndefined();
      }
      const lines = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as CallLogEntry);
      expect(lines).toEqual(calls);
      sim.clearCalls();
      expect(sim.calls()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("denies per account/region/service/operation with the protocol's AccessDenied shape", async () => {
    const sim = await startSimulator({
      scenario: "demo",
      faults: {
        deny: [
          { account: PROD, service: "kms" },
          { service: "cloudtrail", operation: "Describe*", region: "eu-west-1" },
        ],
      },
    });
    try {
      const kms = new KMSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(PROD), maxAttempts: 1 });
      await expect(kms.send(new DescribeKeyCommand({ KeyId: "alias/x" }))).rejects.toMatchObject({
        name: "AccessDeniedException",
        message: expect.stringContaining("kms:DescribeKey"),
      });
      const ctEu = new CloudTrailClient({
        endpoint: sim.url,
        region: "eu-west-1",
        credentials: creds(MGMT),
        maxAttempts: 1,
      });
      await expect(ctEu.send(new DescribeTrailsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
      const ctUs = new CloudTrailClient({
        endpoint: sim.url,
        region: "us-east-1",
        credentials: creds(MGMT),
        maxAttempts: 1,
      });
      expect((await ctUs.send(new DescribeTrailsCommand({}))).trailList).toHaveLength(1);
      const s3 = new S3Client({
        endpoint: sim.url,
        region: "us-east-1",
        credentials: creds(MGMT),
        forcePathStyle: true,
      });
      await expect(
        s3.send(new GetBucketVersioningCommand({ Bucket: "acme-org-cloudtrail-111122223333" })),
      ).resolves.toBeDefined();
      expect(sim.calls().map((c) => c.fault ?? "ok")).toEqual(["denied", "denied", "ok", "ok"]);
    } finally {
      await sim.close();
    }
  });

  it("injects throttling and 5xx deterministically for a seed, with the protocol's error codes", async () => {
    const run = async () => {
      const sim = await startSimulator({
        scenario: "demo",
        faults: { throttleRate: 0.3, serverErrorRate: 0.2, seed: 11 },
      });
      try {
        const sts = new STSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT), maxAttempts: 1 });
        const out: string[] = [];
        for (let i = 0; i < 20; i++) {
          out.push(
            await sts.send(new GetCallerIdentityCommand({})).then(
              (r) => `ok:${r.Account}`,
              (e: { name: string; $metadata: { httpStatusCode: number } }) => `${e.name}:${e.$metadata.httpStatusCode}`,
            ),
          );
        }
        expect(sim.calls().map((c) => c.fault ?? "ok")).toEqual(
          out.map((o) => (o.startsWith("ok") ? "ok" : o.startsWith("Throttling") ? "throttle" : "server-error")),
        );
        return out;
      } finally {
        await sim.close();
      }
    };
    const a = await run();
    expect(a).toContain(`ok:${MGMT}`);
    expect(a).toContain("Throttling:400");
    expect(a).toContain("InternalFailure:500");
    expect(await run()).toEqual(a);
    // With standard retries the SDK gets through.
    const sim = await startSimulator({ scenario: "demo", faults: { throttleRate: 0.3, seed: 11 } });
    try {
      const sts = new STSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT), maxAttempts: 5 });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MGMT);
    } finally {
      await sim.close();
    }
  });

  it("adds latency and holds then drops timed-out requests", async () => {
    const sim = await startSimulator({ scenario: "demo", faults: { latencyMs: 60, timeoutRate: 1, timeoutMs: 150 } });
    try {
      const sts = new STSClient({ endpoint: sim.url, region: "us-east-1", credentials: creds(MGMT), maxAttempts: 1 });
      const t0 = Date.now();
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toBeDefined();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.calls()[0]).toMatchObject({ fault: "timeout", status: 0 });
      expect(sim.calls()[0]!.latencyMs).toBeGreaterThanOrEqual(200);
    } finally {
      await sim.close();
    }
  });

  it("takes faults from the scenario's faults section", async () => {
    const sim = await startSimulator({
      scenario: {
        name: "f",
        aws: { accounts: [{ id: "123456789012", name: "solo" }] },
        faults: { deny: [{ service: "sts" }] },
      },
    });
    try {
      const sts = new STSClient({
        endpoint: sim.url,
        region: "us-east-1",
        credentials: creds("123456789012"),
        maxAttempts: 1,
      });
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: "AccessDenied",
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      await sim.close();
    }
  });

  it("answers unrecognised requests with 400 and binds 127.0.0.1 only", async () => {
    const sim = await startSimulator({ scenario: "demo" });
    try {
      const r = await fetch(`${sim.url}/whatever`);
      expect(r.status).toBe(400);
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.env.BLINDSPOT_AZURE_ENDPOINT).toBe(sim.url);
      expect(sim.env.AWS_ACCESS_KEY_ID).toBe(`AKIASIM${MGMT}X`);
    } finally {
      await sim.close();
    }
  });
});

describe("blindspot sim", () => {
  it("prints the address and export lines, serves until aborted, exits 0", async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const ac = new AbortController();
    const file = join(tempDir(), "cli-calls.jsonl");
    const done = runCli(["sim", "--scenario", "demo", "--port", "0", "--latency", "1", "--call-log", file], {
      stdout,
      stderr,
      env: {},
      cwd: tempDir(),
      isTTY: false,
      signal: ac.signal,
    });
    for (let i = 0; i < 100 && !stdout.text.includes("BLINDSPOT_AZURE_ENDPOINT"); i++)
      await new Promise((r) => setTimeout(r, 20));
    const lines = stdout.text.trim().split("\n");
    expect(lines[0]).toMatch(/^blindspot simulator \(scenario demo\) listening on http:\/\/127\.0\.0\.1:\d+$/);
    const env = Object.fromEntries(
      lines.slice(1).map((l) => /^export (\w+)=(.*)$/.exec(l)!.slice(1, 3) as [string, string]),
    );
    expect(Object.keys(env)).toEqual([
      "AWS_ENDPOINT_URL",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_REGION",
      "BLINDSPOT_AZURE_ENDPOINT",
    ]);
    const sts = new STSClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MGMT);
    ac.abort();
    expect(await done).toBe(0);
    const logged = JSON.parse(readFileSync(file, "utf8").trim()) as CallLogEntry;
    expect(logged).toMatchObject({ service: "sts", operation: "GetCallerIdentity", write: false, status: 200 });
  });

  it("serves a generated estate (--generate-accounts with --seed)", async () => {
    const stdout = new Capture();
    const ac = new AbortController();
    const done = runCli(["sim", "--generate-accounts", "45", "--generate-subscriptions", "2", "--seed", "5"], {
      stdout,
      stderr: new Capture(),
      env: {},
      cwd: tempDir(),
      isTTY: false,
      signal: ac.signal,
    });
    for (let i = 0; i < 100 && !stdout.text.includes("BLINDSPOT_AZURE_ENDPOINT"); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(stdout.text).toContain("(scenario generated-45a-2s-seed5)");
    const url = /export AWS_ENDPOINT_URL=(\S+)/.exec(stdout.text)![1]!;
    const key = /export AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout.text)![1]!;
    const org = new OrganizationsClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: key, secretAccessKey: "x" },
    });
    const ids: string[] = [];
    for await (const p of paginateListAccounts({ client: org }, {})) ids.push(...p.Accounts!.map((a) => a.Id!));
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    ac.abort();
    expect(await done).toBe(0);
  });

  it("rejects a bad scenario file and bad flags with one-line usage errors", async () => {
    const dir = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "bad.yaml"), "name: bad\naws:\n  accounts:\n    - id: '42'\n      name: x\n");
    const run = async (args: string[]) => {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(args, {
        stdout,
        stderr,
        env: {},
        cwd: dir,
        isTTY: false,
        signal: new AbortController().signal,
      });
      return { code, stderr: stderr.text };
    };
    const bad = await run(["sim", "--scenario", join(dir, "bad.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("aws.accounts[0].id: an AWS account id is 12 digits");
    const port = await run(["sim", "--port", "70000"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be an integer from 0 to 65535");
    const faults = await run(["sim", "--faults", "explode=1"]);
    expect(faults.code).toBe(2);
    expect(faults.stderr).toContain('invalid --faults entry "explode=1"');
  });
});
