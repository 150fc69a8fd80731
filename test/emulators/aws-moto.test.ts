/**
 * `blindspot scan --aws --org` against an independent emulator (moto_server), not our simulator: the collector is
 * built to the real APIs, so an emulator's differences (org trails not replicated into members, no CloudTrail Lake,
 * empty default selectors) must still give the right verdicts. Run it with `npm run test:emulators` after
 * `pip install 'moto[server]'`; it is not part of `npm test` or CI (moto is not packaged for npm or Debian), and it
 * fails, never skips, when moto_server is missing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from "@aws-sdk/client-cloudtrail";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

function which(bin: string): string | undefined {
  try {
    return execFileSync("which", [bin], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const MOTO = which("moto_server");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

interface Report {
  findings: { checkId: string; status: string; scope: { accountId?: string; region?: string }; resource: string }[];
  coverage: { scope: { accountId?: string; region?: string }; status: string }[];
  snapshot: { aws: { accounts: { accountId: string; access: { state: string } }[] } };
}

describe("scan --aws against moto_server", () => {
  it("has moto_server on PATH (pip install 'moto[server]')", () => {
    expect(MOTO, "moto_server is not installed").toBeDefined();
  });

  let child: ChildProcess;
  let url: string;
  let member: string;
  const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
  const env = () => ({ AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" });

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(MOTO!, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${url}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const s3 = new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: creds });
    await s3.send(new CreateBucketCommand({ Bucket: "org-trail-bucket" }));
    await s3.send(
      new CreateBucketCommand({
        Bucket: "euw1-bucket",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    const org = new OrganizationsClient({ endpoint: url, region: "us-east-1", credentials: creds });
    await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const acct = await org.send(new CreateAccountCommand({ Email: "member@example.com", AccountName: "member" }));
    member = acct.CreateAccountStatus!.AccountId!;
    const use1 = new CloudTrailClient({ endpoint: url, region: "us-east-1", credentials: creds });
    await use1.send(
      new CreateTrailCommand({
        Name: "org-trail",
        S3BucketName: "org-trail-bucket",
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );
    await use1.send(new UpdateTrailCommand({ Name: "org-trail", IsOrganizationTrail: true }));
    await use1.send(new StartLoggingCommand({ Name: "org-trail" }));
    const euw1 = new CloudTrailClient({ endpoint: url, region: "eu-west-1", credentials: creds });
    await euw1.send(new CreateTrailCommand({ Name: "writes-only", S3BucketName: "euw1-bucket" }));
    await euw1.send(new StartLoggingCommand({ Name: "writes-only" }));
    await euw1.send(
      new PutEventSelectorsCommand({
        TrailName: "writes-only",
        EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }],
      }),
    );
  }, 60_000);

  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("covers the member through the management account's org trail and finds the WriteOnly trail", async () => {
    const r = await cli(["scan", "--aws", "--org", "--no-sample", "--endpoint-url", url, "--json"], { env: env() });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const accounts = report.snapshot.aws.accounts;
    expect(accounts.map((a) => a.access.state)).toEqual(["ok", "ok"]);
    const memberCells = report.coverage.filter((c) => c.scope.accountId === member && c.status !== "n/a");
    expect(memberCells.length).toBeGreaterThan(0);
    expect(memberCells.every((c) => c.status === "covered")).toBe(true);
    const partial = report.findings.find((f) => f.checkId === "aws.trail.mgmt-events-partial" && f.status === "fail");
    expect(partial?.resource).toMatch(/trail\/writes-only$/);
    // The org trail's empty selector list with HasCustomEventSelectors false is the default: all management events.
    const org = report.findings.find(
      (f) => f.checkId === "aws.trail.mgmt-events-partial" && f.resource.endsWith("trail/org-trail"),
    );
    expect(org?.status).toBe("pass");
    const unknown = report.findings.filter(
      (f) => f.status === "unknown" && /^aws\.(trail|region|org)\./.test(f.checkId),
    );
    expect(unknown.map((f) => `${f.checkId} ${f.resource}`)).toEqual([]);
  }, 120_000);
});
