/**
 * Redaction: recognisable secrets planted in the scan environment, in the estate (a SAS URL as a storage id, an
 * event hub connection string) and in endpoint URLs never reach any output: the snapshot, every report format
 * (including the evidence pack), the ScanEvents `scan --json` prints on stderr, or an error message.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_FORMATS } from "../../src/report/formats.js";
import { demoScenario, type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS } from "../../src/sim/scenarios/demo-azure.js";
import { cli, tempDir } from "../helpers/cli.js";

const SECRETS = {
  awsSecret: "PLANTEDawsSecretKey/wJalrXUtnFEMIK7MDENGbPx",
  sessionToken: "PLANTEDsessionTokenIQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
  sasSig: "PLANTEDsasSig0123456789abcdefABCDEF%2Bxyz%3D",
  sharedKey: "PLANTEDsharedAccessKeyZmFrZWtleWZha2VrZXk=",
  urlPassword: "PLANTEDurlPassw0rd",
  azureClientSecret: "PLANTEDazureClientSecret~abc.def",
  bearer: "PLANTEDbearerEyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9",
};
const PLANTED = /PLANTED/;

let sim: Simulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  const scenario = demoScenario();
  const sub = scenario.azure!.subscriptions.find((s) => s.id === DEMO_SUBS.core)!;
  sub.diagnosticSettings.push({
    name: "leaky-export",
    categories: ["Administrative"],
    storageAccount: `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/stleaky?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=${SECRETS.sasSig}`,
    eventHubAuthorizationRuleId: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${SECRETS.sharedKey}`,
    eventHubName: "audit",
  } as (typeof sub.diagnosticSettings)[number]);
  sim = await startSimulator({ scenario });
  const aws = new URL(sim.env.AWS_ENDPOINT_URL!);
  aws.username = "blind";
  aws.password = SECRETS.urlPassword;
  env = {
    ...sim.env,
    AWS_SECRET_ACCESS_KEY: SECRETS.awsSecret,
    AWS_SESSION_TOKEN: SECRETS.sessionToken,
    AZURE_CLIENT_SECRET: SECRETS.azureClientSecret,
    AZURE_ACCESS_TOKEN: `Bearer ${SECRETS.bearer}`,
    AWS_ENDPOINT_URL: aws.toString(),
  };
});
afterAll(async () => {
  await sim.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectClean(label: string, text: string): void {
  const hit = PLANTED.exec(text);
  expect(hit ? text.slice(Math.max(0, hit.index - 120), hit.index + 60) : null, label).toBeNull();
}

describe("redaction", () => {
  it("no planted secret in the snapshot, any report format, the stderr events or an error", async () => {
    const dir = tempDir();
    const r = await cli(["scan", "--aws", "--azure", "--no-sample", "--json", "--out", join(dir, "snap.json")], {
      env,
      cwd: dir,
    });
    expect(r.code, r.stderr.slice(0, 500)).toBe(0);
    expectClean("scan stdout", r.stdout);
    expectClean("scan stderr (ScanEvents)", r.stderr);
    const snapshot = readFileSync(join(dir, "snap.json"), "utf8");
    expectClean("snapshot", snapshot);
    // The planted storage id reached the snapshot (redacted), so the check is not vacuous.
    expect(snapshot).toContain("stleaky");
    for (const format of REPORT_FORMATS) {
      const out = format === "evidence" ? "evidence" : `report.${format}`;
      const rr = await cli(["report", "--from", join(dir, "snap.json"), "--format", format, "--out", join(dir, out)], {
        cwd: dir,
        env,
      });
      expect(rr.code, `${format}: ${rr.stderr}`).toBe(0);
      expectClean(`report ${format} stdio`, rr.stdout + rr.stderr);
      const p = join(dir, out);
      const files = statSync(p).isDirectory() ? filesUnder(p) : [p];
      for (const f of files) expectClean(`report ${format}: ${f}`, readFileSync(f, "utf8"));
    }
  }, 120_000);

  it("an error message carrying the planted secrets is redacted (bad credentials on an explicit scan)", async () => {
    const r = await cli(["scan", "--aws", "--json", "--endpoint-url", "http://127.0.0.1:9"], {
      env: { ...env, AWS_MAX_ATTEMPTS: "1" },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("blindspot:");
    expectClean("error", r.stdout + r.stderr);
  }, 60_000);
});
