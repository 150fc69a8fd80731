/**
 * Fix-script generation: failing findings → ordered, deduplicated steps → bash (aws/az CLI) or Terraform JSON, with
 * optional guardrails. Pure: reads the snapshot and the analysis, never the network or the file system.
 */
import type { Analysis } from "../../analyzers/index.js";
import type { Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { toolVersion } from "../version.js";
import { planAws } from "./aws.js";
import { planAzure, workspaceSettingOf } from "./azure.js";
import { renderBash } from "./bash.js";
import { planAwsAlert, planAzureAlert } from "./detection.js";
import { guardrailSteps } from "./guardrails.js";
import { renderTerraform } from "./terraform.js";
import type { Derived, FixResult, Requirement, Setting, Skipped, Step } from "./types.js";

export { shq } from "./quote.js";
export type { FixFile, FixResult, Skipped, Step } from "./types.js";

export interface GenerateFixesInput {
  snapshot: Snapshot;
  analysis: Analysis;
  /** Only these finding ids (default: every failing finding). */
  findingIds?: readonly string[];
  /** Only findings of these check ids. */
  checkIds?: readonly string[];
  format: "bash" | "terraform";
  /** Add the guardrail section (AWS Config rules, Azure Policy assignment). */
  guardrails?: boolean;
  /** Retention threshold in days (default: the snapshot's). */
  retentionDays?: number;
}

const WHY: Record<string, string> = {
  "aws.trail.delivery-failing":
    "the bucket or KMS key policy that blocks delivery may carry other statements; blindspot does not overwrite it (compare it with the CloudTrail policy in docs/fix.md)",
  "aws.logs.retention-unproven":
    "data already lost cannot be restored; find what deleted it (tamper findings, retention changes)",
  "azure.retention.unproven": "data already lost cannot be restored; find what removed it",
  "aws.org.account-unscanned": "an access problem of the scan, not a logging configuration: deploy the scan role",
  "azure.subscription.unscanned": "an access problem of the scan: grant Reader to the scanning identity",
  "aws.region.unreachable": "an access problem of the scan (SCP, permission boundary), not a logging configuration",
  "aws.tamper.logging-changed": "a past change to review with its actor; no configuration undoes it",
  "azure.tamper.logging-changed": "a past change to review with its actor; no configuration undoes it",
};

/** The remediation ids that fix a finding (what `Finding.remediationIds` should carry). Pure. */
export function remediationIdsFor(finding: Pick<Finding, "checkId">): string[] {
  switch (finding.checkId) {
    case "aws.trail.region-uncovered":
      return [
        "aws.s3.trail-bucket",
        "aws.s3.trail-bucket-policy",
        "aws.trail.create",
        "aws.trail.multi-region",
        "aws.trail.global-events",
        "aws.trail.event-selectors",
        "aws.trail.start-logging",
      ];
    case "aws.trail.global-events-missing":
      return [
        "aws.trail.global-events",
        "aws.trail.multi-region",
        "aws.trail.event-selectors",
        "aws.s3.trail-bucket",
        "aws.s3.trail-bucket-policy",
        "aws.trail.create",
        "aws.trail.start-logging",
      ];
    case "aws.trail.not-logging":
      return ["aws.trail.start-logging"];
    case "aws.trail.mgmt-events-partial":
      return ["aws.trail.event-selectors"];
    case "aws.trail.siem-feed-missing":
      return ["aws.logs.create-log-group", "aws.iam.cloudtrail-cw-role", "aws.trail.cloudwatch-logs"];
    case "aws.trail.validation-disabled":
      return ["aws.trail.log-file-validation"];
    case "aws.trail.kms-disabled":
      return ["aws.kms.create-trail-key", "aws.trail.kms"];
    case "aws.kms.rotation-disabled":
      return ["aws.kms.enable-rotation"];
    case "aws.bucket.not-worm":
      return ["aws.s3.versioning", "aws.s3.object-lock"];
    case "aws.bucket.expires-early":
      return ["aws.s3.lifecycle"];
    case "aws.bucket.public":
      return ["aws.s3.public-access-block"];
    case "aws.logs.retention-short":
      return ["aws.logs.retention"];
    case "azure.activity.export-missing":
    case "azure.logprofile.legacy":
      return ["azure.activity.diagnostic-setting"];
    case "azure.activity.categories-missing":
      return ["azure.activity.categories"];
    case "azure.workspace.retention-short":
      return ["azure.workspace.retention"];
    case "azure.table.retention-short":
      return ["azure.table.retention"];
    case "azure.storage.not-worm":
      return ["azure.storage.immutability-policy", "azure.storage.lock-immutability"];
    case "azure.entra.signin-export-missing":
      return ["azure.entra.signin-export"];
    case "aws.alert.missing":
      // The alarm chain, and (when no trail delivers the account's management events to CloudWatch Logs yet) the
      // feed and trail changes it needs.
      return [
        "aws.sns.alarm-topic",
        "aws.logs.cis-metric-filter",
        "aws.cloudwatch.cis-alarm",
        "aws.logs.create-log-group",
        "aws.iam.cloudtrail-cw-role",
        "aws.trail.cloudwatch-logs",
        "aws.trail.multi-region",
        "aws.trail.event-selectors",
        "aws.trail.start-logging",
      ];
    case "azure.alert.missing":
      return ["azure.monitor.action-group", "azure.monitor.activity-log-alert"];
    default:
      return [];
  }
}

/** The plan: steps per cloud (ordered, deduplicated), settings, closed and skipped findings. */
export function planFixes(input: Omit<GenerateFixesInput, "format">) {
  const { snapshot, analysis } = input;
  const threshold = input.retentionDays ?? snapshot.options.retentionDays;
  const byKey = new Map<string, Step>();
  const settings = new Map<string, Setting>();
  const derived = new Map<string, Derived>();
  const requirements = new Map<string, Requirement>();
  const skipped: Skipped[] = [];
  const closes: string[] = [];
  const add = (step: Step, findingId: string) => {
    const have = byKey.get(step.key);
    const s = have ?? { ...step, findingIds: [] };
    if (!s.findingIds.includes(findingId)) s.findingIds.push(findingId);
    if (!have) byKey.set(step.key, s);
  };
  const setting = (s: Setting) => {
    const k = `${s.cloud ?? ""}|${s.name}`;
    if (!settings.has(k)) settings.set(k, s);
  };
  const derive = (d: Derived) => {
    if (!derived.has(d.name)) derived.set(d.name, d);
  };
  const require = (r: Requirement) => {
    const k = `${r.cloud}|${r.message}`;
    if (!requirements.has(k)) requirements.set(k, r);
  };
  const wanted = input.findingIds ? new Set(input.findingIds) : undefined;
  const checks = input.checkIds ? new Set(input.checkIds) : undefined;
  for (const f of analysis.findings) {
    if (wanted && !wanted.has(f.id)) continue;
    if (checks && !checks.has(f.checkId)) continue;
    if (f.status !== "fail") {
      if (wanted) skipped.push({ findingId: f.id, reason: `status is ${f.status}, not fail` });
      continue;
    }
    const why = WHY[f.checkId];
    if (why || f.checkId.includes(".siem.")) {
      skipped.push({
        findingId: f.id,
        reason: why ?? "a blind spot is closed by fixing its cause (coverage, export, delivery) and re-sampling",
      });
      continue;
    }
    // Steps are added tentatively: a finding whose plan fails part-way must not leave half its steps behind.
    const before = new Map(byKey);
    const beforeIds = new Map([...byKey].map(([k, s]) => [k, [...s.findingIds]]));
    const ctx = { snapshot, threshold, add, setting, derive, require };
    const r =
      f.checkId === "aws.alert.missing"
        ? planAwsAlert(ctx, f)
        : f.checkId === "azure.alert.missing"
          ? planAzureAlert(ctx, f)
          : f.cloud === "aws"
            ? planAws(ctx, f)
            : planAzure(ctx, f);
    if (r.ok) closes.push(f.id);
    else {
      byKey.clear();
      for (const [k, s] of before) {
        s.findingIds = beforeIds.get(k) ?? [];
        byKey.set(k, s);
      }
      skipped.push({ findingId: f.id, reason: r.reason });
    }
  }
  if (input.guardrails) {
    const g = guardrailSteps(snapshot, threshold);
    for (const s of g) add(s, "guardrail");
    if (g.some((s) => s.cloud === "azure")) {
      setting(workspaceSettingOf(snapshot));
      setting({
        name: "BLINDSPOT_POLICY_LOCATION",
        description: "Azure region of the policy assignment's managed identity",
        default: "westeurope",
        pattern: "^[a-z0-9]+$",
      });
    }
  }
  const ordered = [...byKey.values()].sort((a, b) => a.phase - b.phase || a.key.localeCompare(b.key));
  for (const s of ordered) s.findingIds = s.findingIds.filter((id) => id !== "guardrail");
  return {
    steps: ordered,
    settings: [...settings.values()],
    derived: [...derived.values()],
    requirements: [...requirements.values()],
    closes,
    skipped,
    threshold,
  };
}

/** Fix scripts for the selected failing findings. Unknown finding ids are the caller's to reject. */
export function generateFixes(input: GenerateFixesInput): FixResult {
  const plan = planFixes(input);
  const { snapshot, analysis } = input;
  const byId = new Map(analysis.findings.map((f) => [f.id, f]));
  const files: FixResult["files"] = [];
  for (const cloud of ["aws", "azure"] as const) {
    const steps = plan.steps.filter((s) => s.cloud === cloud);
    if (steps.length === 0) continue;
    const closes = plan.closes
      .map((id) => byId.get(id)!)
      .filter((f) => f.cloud === cloud)
      .map((f) => ({ id: f.id, checkId: f.checkId, title: f.title }));
    const settings = plan.settings.filter((s) =>
      s.cloud
        ? s.cloud === cloud
        : cloud === "aws"
          ? s.name.startsWith("TRAIL_BUCKET_")
          : !s.name.startsWith("TRAIL_BUCKET_"),
    );
    const extras = {
      derived: plan.derived.filter((d) => d.cloud === cloud),
      requirements: plan.requirements.filter((r) => r.cloud === cloud),
    };
    if (input.format === "bash") {
      files.push({
        path: `fix-${cloud}.sh`,
        content: renderBash(
          {
            cloud,
            toolVersion: toolVersion(),
            snapshotStartedAt: snapshot.startedAt,
            snapshotFinishedAt: snapshot.finishedAt,
            snapshotToolVersion: snapshot.tool.version,
            threshold: plan.threshold,
            closes,
            roleName: snapshot.options.roleName ?? "OrganizationAccountAccessRole",
          },
          steps,
          settings,
          extras,
        ),
      });
    } else {
      files.push(...renderTerraform(cloud, steps, { snapshot, threshold: plan.threshold, closes, defaults: settings }));
    }
  }
  return { files, closes: plan.closes, skipped: plan.skipped };
}
