/**
 * Fix generators: adversarial names in every field (quotes, $(), backticks, newlines, spaces, unicode, leading dashes,
 * Terraform template syntax, our own placeholders) must give scripts that pass shellcheck and whose CLIs (recording
 * stand-ins for aws and az) receive exactly the intended argv; Terraform JSON is checked structurally (every resource
 * and import present, no unknown reference). Under CI=true a missing shellcheck fails.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { CHECKS } from "../../src/model/checks.js";
import { type Snapshot, SnapshotSchema } from "../../src/model/snapshot.js";
import { generateFixes, planFixes, remediationIdsFor } from "../../src/remediate/index.js";
import { commentText, jmesString, shq, tfString } from "../../src/remediate/quote.js";
import type { Arg, Command, Step } from "../../src/remediate/types.js";
import { cli, tempDir } from "../helpers/cli.js";
import { readRecorded, writeRecorder } from "../helpers/recorder.js";

const run = promisify(execFile);
const CI = process.env.CI === "true" || process.env.CI === "1";
const SHELLCHECK = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].find((p) => existsSync(p));
const AZ_STANDIN = fileURLToPath(new URL("../helpers/az-standin.py", import.meta.url));
if (!SHELLCHECK && !CI) console.warn("remediate-fix: shellcheck tests skipped (apt-get install shellcheck)");

const NASTY = [
  `it's "quoted"`,
  "$(touch pwned)",
  "`touch pwned2`",
  "line\nbreak",
  "with space",
  "ünïcödé-名前",
  "--leading-dash",
  "-e",
  "back\\slash",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax as an attacker's name
  "${tpl}%{x}",
  "*?[glob]",
  ";rm -rf ~;",
  "@@BLINDSPOT_WORKSPACE_ID@@",
  "tab\there",
];

/** Deterministic pick: iteration i, field k. */
function nasty(i: number, k: number): string {
  return `${NASTY[(i * 7 + k) % NASTY.length]}${k % 2 ? NASTY[(i + k * 3) % NASTY.length] : ""}`;
}

const ACCT = "111111111111";
const AT = "2026-11-20T10:00:00.000Z";

/** A snapshot whose every name is adversarial, with one failing finding of each fixable check. */
function adversarialSnapshot(i: number): Snapshot {
  const n = (k: number) => nasty(i, k);
  const region = n(1);
  const trailName = n(2);
  const bucket = n(3);
  const trail2 = n(4);
  const keyId = n(5);
  const group = n(6);
  const key2Region = n(7);
  const sub1 = n(8);
  const sub2 = n(9);
  const rg = n(10);
  const wsName = n(11);
  const sa = n(12);
  const tenant = n(13);
  const settingName = n(14);
  const arn1 = `arn:aws:cloudtrail:${region}:${ACCT}:trail/${trailName}`;
  const arn2 = `arn:aws:cloudtrail:${region}:${ACCT}:trail/${trail2}`;
  const keyArn = `arn:aws:kms:${key2Region}:${ACCT}:key/${keyId}`;
  const groupArn = `arn:aws:logs:${region}:${ACCT}:log-group:${group}:*`;
  const wsId = `/subscriptions/${sub2}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${wsName}`;
  const saId = `/subscriptions/${sub2}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${sa}`;
  const ok = <T>(value: T) => ({ state: "ok" as const, value });
  const trailBase = {
    homeRegion: region,
    ownerAccountId: ACCT,
    isMultiRegion: false,
    isOrganization: false,
    includeGlobalServiceEvents: false,
    logFileValidationEnabled: false,
    s3BucketName: bucket,
    seenInRegions: [region],
  };
  return SnapshotSchema.parse({
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:58:00.000Z",
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws", "azure"], retentionDays: 90, sampleDays: 7, sample: false, roleName: n(15) },
    aws: {
      caller: { accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/x` },
      accounts: [
        {
          accountId: ACCT,
          access: { state: "ok", via: "ambient" },
          regions: [
            { name: region, optInStatus: "opt-in-not-required", scanned: true, trailArns: [arn1, arn2] },
            { name: "us-east-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
          ],
          trails: [
            {
              ...trailBase,
              arn: arn1,
              name: trailName,
              status: ok({ isLogging: false, stopLoggingTime: AT }),
              selectors: {
                kind: "basic",
                eventSelectors: [
                  { ReadWriteType: "WriteOnly", IncludeManagementEvents: true },
                  {
                    ReadWriteType: "All",
                    IncludeManagementEvents: false,
                    DataResources: [{ Type: "AWS::S3::Object", Values: [n(16)] }],
                  },
                ],
              },
            },
            {
              ...trailBase,
              arn: arn2,
              name: trail2,
              kmsKeyId: keyArn,
              cloudWatchLogsLogGroupArn: groupArn,
              cloudWatchLogsRoleArn: `arn:aws:iam::${ACCT}:role/${n(17)}`,
              status: ok({ isLogging: true, latestDeliveryTime: AT, latestCloudWatchLogsDeliveryTime: AT }),
              selectors: {
                kind: "advanced",
                advancedEventSelectors: [
                  {
                    Name: n(18),
                    FieldSelectors: [
                      { Field: "eventCategory", Equals: ["Management"] },
                      { Field: "readOnly", Equals: ["false"] },
                    ],
                  },
                  {
                    Name: n(19),
                    FieldSelectors: [
                      { Field: "eventCategory", Equals: ["Data"] },
                      { Field: "resources.type", Equals: [n(20)] },
                    ],
                  },
                ],
              },
            },
          ],
          logGroups: [{ arn: groupArn, name: group, accountId: ACCT, region, retentionInDays: 30, creationTime: AT }],
          buckets: [
            {
              name: bucket,
              readFromAccountId: ACCT,
              region,
              objectLock: ok({ enabled: false }),
              versioning: ok({ status: "Suspended" }),
              encryption: ok({}),
              publicAccessBlock: ok(null),
              policyIsPublic: ok(false),
              lifecycle: ok([
                {
                  id: n(21),
                  status: "Enabled",
                  prefix: "",
                  expirationDays: 30,
                  transitions: [{ days: 10, storageClass: n(22) }],
                },
              ]),
              logging: ok(null),
            },
          ],
          keys: [
            {
              arn: keyArn,
              region: key2Region,
              keyManager: "CUSTOMER",
              keySpec: "SYMMETRIC_DEFAULT",
              rotation: ok({ enabled: false }),
            },
          ],
        },
      ],
    },
    azure: {
      tenants: [{ tenantId: tenant, entraDiagnosticSettings: ok([]) }],
      subscriptions: [
        {
          subscriptionId: sub1,
          tenantId: tenant,
          state: "Enabled",
          access: { state: "ok" },
          diagnosticSettings: ok([]),
          logProfiles: ok([]),
        },
        {
          subscriptionId: sub2,
          tenantId: tenant,
          state: "Enabled",
          access: { state: "ok" },
          diagnosticSettings: ok([
            {
              id: `/subscriptions/${sub2}/providers/microsoft.insights/diagnosticSettings/${settingName}`,
              name: settingName,
              workspaceId: wsId,
              storageAccountId: saId,
              logs: [
                { category: "Administrative", enabled: true },
                { category: n(23), enabled: false },
              ],
            },
          ]),
          logProfiles: ok([]),
        },
      ],
      workspaces: [
        {
          id: wsId,
          subscriptionId: sub2,
          resourceGroup: rg,
          name: wsName,
          sku: "PerGB2018",
          retentionInDays: 30,
          tables: ok([{ name: "AzureActivity", retentionInDays: 20 }]),
        },
      ],
      storage: [{ id: saId, container: "insights-activity-logs", containerFound: true, immutability: ok(null) }],
    },
  });
}

const FIXABLE = [
  "aws.trail.not-logging",
  "aws.trail.mgmt-events-partial",
  "aws.trail.validation-disabled",
  "aws.trail.siem-feed-missing",
  "aws.trail.kms-disabled",
  "aws.kms.rotation-disabled",
  "aws.bucket.not-worm",
  "aws.bucket.expires-early",
  "aws.bucket.public",
  "aws.logs.retention-short",
  "aws.trail.global-events-missing",
  "azure.activity.export-missing",
  "azure.activity.categories-missing",
  "azure.workspace.retention-short",
  "azure.table.retention-short",
  "azure.storage.not-worm",
  "azure.entra.signin-export-missing",
];

/** The aws stand-in: every read ("not in place yet") fails, every write succeeds; create-key prints a key ARN. */
const AWS_ANSWERS = `if [ "$1" = sts ] && [ "$2" = get-caller-identity ]; then echo '${ACCT}'; exit 0; fi
if [ "$1" = kms ] && [ "$2" = create-key ]; then echo 'arn:aws:kms:standin:${ACCT}:key/created'; exit 0; fi
case "\${2-}" in describe-* | get-*) exit 1 ;; esac
exit 0`;

/** The az stand-in: \`get --query etag\` prints an etag, every other \`get\` finds nothing (exit 3), writes succeed. */
const AZ_ANSWERS = `get=0 query= prev=
for x in "$@"; do
  [ "$x" = get ] && get=1
  [ "$prev" = --query ] && [ -z "$query" ] && query=$x
  prev=$x
done
if [ "$get" = 1 ] && [ "$query" = etag ]; then echo 'W/"etag-1"'; exit 0; fi
[ "$get" = 1 ] && exit 3
exit 0`;

/** The argv each CLI should receive when every check says "not yet": check, then the step's commands. */
function intended(steps: readonly Step[], tool: "aws" | "az", values: Record<string, string>): string[][] {
  const captured: Record<string, string> = {};
  const fill = (t: string) =>
    Object.entries({ ...values, ...captured }).reduce((s, [k, v]) => s.replaceAll(`@@${k}@@`, v), t);
  const argv = (c: Command) =>
    c.args.map((a: Arg) => (typeof a === "string" ? a : "var" in a ? (captured[a.var] ?? "") : fill(a.template)));
  const out: string[][] = [];
  for (const s of steps) {
    const cmds = [...(s.check ? [s.check.command] : []), ...s.run];
    for (const c of cmds) {
      if (c.tool !== tool) continue;
      out.push(argv(c));
      if (c.capture) captured[c.capture] = c.tool === "aws" ? `arn:aws:kms:standin:${ACCT}:key/created` : 'W/"etag-1"';
    }
  }
  return out;
}

describe("quoting", () => {
  it("shq round-trips every adversarial value through bash", async () => {
    for (const v of NASTY) {
      const { stdout } = await run("bash", ["-c", `printf '%s' ${shq(v)}`]);
      expect(stdout).toBe(v);
    }
    expect(() => shq("a\u0000b")).toThrow();
  });
  it("comments cannot be broken out of; Terraform template syntax is escaped", () => {
    expect(commentText("a\nb\rc")).toBe("a\\u000ab\\u000dc");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax, escaped
    expect(tfString("${x}%{y}")).toBe("$${x}%%{y}");
    expect(jmesString('a`"b')).toBe('`"a\\`\\"b"`');
  });
});

describe("remediationIdsFor", () => {
  it("names the remediations of every configuration check and none for blind spots", () => {
    for (const c of FIXABLE) expect(remediationIdsFor({ checkId: c }).length, c).toBeGreaterThan(0);
    for (const c of CHECKS.filter((x) => /\.siem\.|\.tamper\.|unscanned|unreachable/.test(x.id))) {
      expect(remediationIdsFor({ checkId: c.id })).toEqual([]);
    }
  });
  it("matches the ids the plan actually uses", () => {
    const snapshot = adversarialSnapshot(0);
    const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
    const plan = planFixes({ snapshot, analysis });
    for (const s of plan.steps) {
      for (const id of s.findingIds) {
        const f = analysis.findings.find((x) => x.id === id)!;
        expect(remediationIdsFor(f), `${f.checkId} -> ${s.remediationId}`).toContain(s.remediationId);
      }
    }
  });
});

describe("adversarial names (property)", () => {
  for (let i = 0; i < 4; i++) {
    it(`iteration ${i}: every fixable check planned, scripts shellcheck-clean, the CLIs get the exact argv`, async () => {
      const snapshot = adversarialSnapshot(i);
      const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
      const failing = analysis.findings.filter((f) => f.status === "fail");
      const allowed = new Set([...FIXABLE, "azure.logprofile.legacy", "aws.trail.region-uncovered"]);
      expect(failing.filter((f) => !allowed.has(f.checkId)).map((f) => f.checkId)).toEqual([]);
      for (const c of FIXABLE)
        expect(
          failing.some((f) => f.checkId === c),
          c,
        ).toBe(true);
      const guardrails = i === 3; // one iteration also carries the guardrail section
      const result = generateFixes({ snapshot, analysis, format: "bash", guardrails });
      expect(result.skipped).toEqual([]);
      expect(new Set(result.closes)).toEqual(new Set(failing.map((f) => f.id)));
      const dir = tempDir();
      for (const f of result.files) writeFileSync(join(dir, f.path), f.content);

      if (CI) expect(SHELLCHECK, "CI must install shellcheck").toBeDefined();
      if (SHELLCHECK) {
        const sc = await run(SHELLCHECK, ["--severity=style", ...result.files.map((f) => join(dir, f.path))]).catch(
          (e: { stdout: string }) => ({ stdout: e.stdout }),
        );
        expect(sc.stdout).toBe("");
      }
      const bin = join(dir, "bin");
      mkdirSync(bin);
      writeRecorder(join(bin, "aws"), "AWS_STANDIN_LOG", AWS_ANSWERS);
      writeRecorder(join(bin, "az"), "AZ_STANDIN_LOG", AZ_ANSWERS);
      const ws =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws";
      const env = {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: dir,
        AWS_STANDIN_LOG: join(dir, "aws.log"),
        AZ_STANDIN_LOG: join(dir, "az.log"),
        BLINDSPOT_WORKSPACE_ID: ws,
      };
      // Dry run calls nothing and prints; apply runs every check and write.
      await run("bash", [join(dir, "fix-aws.sh")], { env, cwd: dir });
      await run("bash", [join(dir, "fix-azure.sh")], { env, cwd: dir });
      expect(existsSync(env.AWS_STANDIN_LOG) || existsSync(env.AZ_STANDIN_LOG)).toBe(false);
      await run("bash", [join(dir, "fix-aws.sh"), "--apply"], { env, cwd: dir });
      await run("bash", [join(dir, "fix-azure.sh"), "--apply", "--allow-irreversible"], { env, cwd: dir });
      const read = readRecorded;
      const plan = planFixes({ snapshot, analysis, guardrails });
      if (guardrails)
        expect(plan.steps.some((s) => s.remediationId === "guardrail.azure.policy-activity-log")).toBe(true);
      const awsCalls = read(env.AWS_STANDIN_LOG).filter((a) => a[0] !== "sts");
      expect(awsCalls).toEqual(
        intended(
          plan.steps.filter((s) => s.cloud === "aws"),
          "aws",
          {},
        ),
      );
      const bucketDefault = plan.settings.find((s) => s.name.startsWith("TRAIL_BUCKET_"));
      expect(bucketDefault).toBeUndefined();
      expect(read(env.AZ_STANDIN_LOG)).toEqual(
        intended(
          plan.steps.filter((s) => s.cloud === "azure"),
          "az",
          { BLINDSPOT_WORKSPACE_ID: ws, BLINDSPOT_POLICY_LOCATION: "westeurope" },
        ),
      );
      expect(existsSync(join(dir, "pwned")) || existsSync(join(dir, "pwned2"))).toBe(false);
    });
  }
});

/** Terraform JSON: parse, and check that every reference resolves and every step's resources and imports are there. */
function checkTerraform(text: string, steps: readonly Step[]) {
  const doc = JSON.parse(text) as {
    provider: Record<string, { alias: string }[]>;
    variable?: Record<string, unknown>;
    resource: Record<string, Record<string, Record<string, unknown>>>;
    import?: { to: string; id: string; provider?: string }[];
  };
  const aliases = new Set(Object.entries(doc.provider).flatMap(([p, list]) => list.map((x) => `${p}.${x.alias}`)));
  const resources = new Set(Object.entries(doc.resource).flatMap(([t, m]) => Object.keys(m).map((n) => `${t}.${n}`)));
  const vars = new Set(Object.keys(doc.variable ?? {}));
  const problems: string[] = [];
  const walk = (v: unknown, where: string) => {
    if (typeof v === "string") {
      // Unescaped template sequences: `${` not preceded by another `$`.
      for (const m of v.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
        const expr = m[1]!;
        for (const r of expr.matchAll(/\b(var\.[a-z0-9_]+|[a-z0-9]+_[a-z0-9_]+\.[a-z0-9_]+)\b/g)) {
          const ref = r[1]!;
          if (ref.startsWith("var.") ? !vars.has(ref.slice(4)) : !resources.has(ref)) problems.push(`${where}: ${ref}`);
        }
      }
      if (/(?<!%)%\{/.test(v)) problems.push(`${where}: template directive`);
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${where}[${i}]`);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
  };
  for (const [t, m] of Object.entries(doc.resource)) {
    for (const [n, body] of Object.entries(m)) {
      walk(body, `${t}.${n}`);
      if (typeof body.provider === "string" && !aliases.has(body.provider))
        problems.push(`${t}.${n}: provider ${body.provider}`);
      for (const d of (body.depends_on as string[] | undefined) ?? [])
        if (!resources.has(d)) problems.push(`${t}.${n}: depends_on ${d}`);
    }
  }
  for (const imp of doc.import ?? []) {
    if (!resources.has(imp.to)) problems.push(`import to ${imp.to}`);
    if (imp.provider && !aliases.has(imp.provider)) problems.push(`import provider ${imp.provider}`);
  }
  for (const s of steps) {
    for (const r of s.tf?.resources ?? [])
      if (!resources.has(`${r.type}.${r.name}`)) problems.push(`missing ${r.type}.${r.name}`);
    for (const i of s.tf?.imports ?? [])
      if (!(doc.import ?? []).some((x) => x.to === i.to)) problems.push(`missing import ${i.to}`);
  }
  return { doc, problems };
}

describe("terraform", () => {
  for (let i = 0; i < 3; i++) {
    it(`iteration ${i}: parses, every resource and import present, no unknown reference, names stay data`, () => {
      const snapshot = adversarialSnapshot(i);
      const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
      const result = generateFixes({ snapshot, analysis, format: "terraform", guardrails: true });
      const plan = planFixes({ snapshot, analysis, guardrails: true });
      expect(result.files.map((f) => f.path).sort()).toEqual(["fix-aws.tf.json", "fix-azure.tf.json"]);
      for (const f of result.files) {
        const cloud = f.path.includes("aws") ? "aws" : "azure";
        const { doc, problems } = checkTerraform(
          f.content,
          plan.steps.filter((s) => s.cloud === cloud),
        );
        expect(problems).toEqual([]);
        expect(doc.import?.length ?? 0).toBeGreaterThan(0);
      }
      const aws = JSON.parse(result.files.find((f) => f.path === "fix-aws.tf.json")!.content) as {
        resource: Record<string, Record<string, Record<string, unknown>>>;
      };
      expect(Object.keys(aws.resource)).toEqual(
        expect.arrayContaining([
          "aws_cloudtrail",
          "aws_s3_bucket_object_lock_configuration",
          "aws_config_config_rule",
          "aws_kms_key",
        ]),
      );
      // One aws_cloudtrail per trail, carrying every change made to it.
      const trails = Object.values(aws.resource.aws_cloudtrail!);
      const basic = trails.find((t) => t.event_selector !== undefined);
      expect(basic).toMatchObject({
        enable_logging: true,
        enable_log_file_validation: true,
        kms_key_id: expect.any(String),
      });
      const adv = trails.find((t) => t.advanced_event_selector !== undefined);
      expect(adv).toMatchObject({ enable_log_file_validation: true, cloud_watch_logs_group_arn: expect.any(String) });
    });
  }
});

describe("blindspot fix (CLI)", () => {
  it("unknown finding id: one line, exit 2; terraform needs --out; bash to stdout without --out", async () => {
    const dir = tempDir();
    const file = join(dir, "snap.json");
    writeFileSync(file, JSON.stringify(adversarialSnapshot(1)));
    const bad = await cli(["fix", "--from", file, "--finding", "0123456789abcdef"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("unknown finding id 0123456789abcdef");
    const tf = await cli(["fix", "--from", file, "--format", "terraform"], { cwd: dir });
    expect(tf.code).toBe(2);
    const out = await cli(["fix", "--from", file, "--check", "aws.trail.not-logging"], { cwd: dir });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(out.stdout).toContain("start-logging");
    expect(out.stdout).not.toContain("put-event-selectors");
    const both = await cli(["fix", "--from", file], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--out DIR");
    const w = await cli(["fix", "--from", file, "--format", "terraform", "--guardrails", "--out", join(dir, "tf")], {
      cwd: dir,
    });
    expect(w.code, w.stderr).toBe(0);
    expect(existsSync(join(dir, "tf", "fix-aws.tf.json"))).toBe(true);
    const sh = await cli(["fix", "--from", file, "--out", join(dir, "sh")], { cwd: dir });
    expect(sh.code, sh.stderr).toBe(0);
    expect(readFileSync(join(dir, "sh", "fix-azure.sh"), "utf8")).toContain("set -euo pipefail");
  });

  it("blind spots and tamper findings are skipped with the reason", () => {
    const snapshot = adversarialSnapshot(2);
    const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
    const f = analysis.findings[0]!;
    const fake = {
      ...analysis,
      findings: [
        ...analysis.findings,
        { ...f, id: "ffffffffffffffff", checkId: "aws.siem.blind-spot", status: "fail" as const },
      ],
    };
    const r = generateFixes({ snapshot, analysis: fake, format: "bash", findingIds: ["ffffffffffffffff"] });
    expect(r.files).toEqual([]);
    expect(r.skipped).toEqual([{ findingId: "ffffffffffffffff", reason: expect.stringContaining("blind spot") }]);
  });
});

void AZ_STANDIN;
void execFileSync;
