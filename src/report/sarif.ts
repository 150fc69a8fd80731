import { CHECKS } from "../model/checks.js";
import type { Severity } from "../model/common.js";
import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { valueText } from "./escape.js";
import { checkOf, errorText, percent, type ReportModel } from "./model.js";

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub code scanning reads `security-severity` (0-10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

function ruleHelp(id: string): { text: string; markdown: string } {
  const c = checkOf(id);
  const controls = c.controls.length ? c.controls.join(", ") : "none";
  return {
    text: `${c.description}\n\nEvidence: ${c.evidence}\nControls: ${controls}\nRemediation: ${c.remediation}\nFix script: blindspot fix --from SNAPSHOT --finding <id>`,
    markdown: `${c.description}\n\n**Evidence:** ${c.evidence}\n\n**Controls:** ${controls}\n\n**Remediation:** ${c.remediation}\n\nFix script: \`blindspot fix --from SNAPSHOT --finding <id>\``,
  };
}

function locations(f: Finding) {
  const s = f.scope;
  const logical: { name: string; fullyQualifiedName: string; kind: string }[] = [];
  if (s.cloud === "aws") {
    logical.push({ name: s.accountId, fullyQualifiedName: `aws/${s.accountId}`, kind: "namespace" });
    if (s.region)
      logical.push({ name: s.region, fullyQualifiedName: `aws/${s.accountId}/${s.region}`, kind: "namespace" });
  } else if (s.subscriptionId) {
    logical.push({ name: s.subscriptionId, fullyQualifiedName: scopeKey(s), kind: "namespace" });
  } else {
    logical.push({ name: s.tenantId ?? "tenant", fullyQualifiedName: scopeKey(s), kind: "namespace" });
  }
  logical.push({ name: f.resource, fullyQualifiedName: `${scopeKey(s)}/${f.resource}`, kind: "resource" });
  return [
    {
      // A relative URI naming the scope: code-scanning UIs need an artifact to group by; no file exists.
      physicalLocation: { artifactLocation: { uri: scopeKey(s).split("/").map(encodeURIComponent).join("/") } },
      logicalLocations: logical,
    },
  ];
}

/**
 * SARIF 2.1.0: one run, rules = the whole check catalogue with help text, results = failing findings (muted ones
 * carry an accepted external suppression). Unknown findings are tool notifications, not results.
 */
export function renderSarif(model: ReportModel): string {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const rules = CHECKS.map((c) => ({
    id: c.id,
    name: c.title,
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    help: ruleHelp(c.id),
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags: ["security", "audit-logging", c.cloud, ...c.controls],
      severity: c.severity,
      "security-severity": SECURITY_SEVERITY[c.severity],
    },
  }));
  const results = model.analysis.findings
    .filter((f) => f.status === "fail" || f.status === "muted")
    .map((f) => {
      const check = checkOf(f.checkId);
      const index = ruleIndex.get(f.checkId);
      return {
        ruleId: f.checkId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        kind: "fail",
        level: LEVEL[f.severity],
        message: { text: `${f.title} (${f.resource}). ${check.remediation}`.trim() },
        locations: locations(f),
        partialFingerprints: { "blindspotFindingId/v1": f.id },
        ...(f.mute
          ? {
              suppressions: [
                { kind: "external", status: "accepted", justification: `${f.mute.reason} (until ${f.mute.expires})` },
              ],
            }
          : {}),
        properties: {
          findingId: f.id,
          severity: f.severity,
          status: f.status,
          scope: scopeKey(f.scope),
          controls: f.controls,
          remediationIds: f.remediationIds,
          evidence: f.evidence.map((e) => ({
            label: e.label,
            value: valueText(e.value),
            ...(e.source ? { source: e.source } : {}),
            ...(e.at ? { at: e.at } : {}),
          })),
        },
      };
    });
  const notifications = [
    ...model.analysis.findings
      .filter((f) => f.status === "unknown")
      .map((f) => ({
        level: "warning",
        message: { text: `Could not verify ${f.checkId} for ${scopeKey(f.scope)}: ${f.title}` },
        ...(ruleIndex.has(f.checkId) ? { associatedRule: { id: f.checkId, index: ruleIndex.get(f.checkId)! } } : {}),
      })),
    ...model.blindSpots.rows
      .filter((r) => r.sample.state === "unknown")
      .map((r) => ({
        level: "warning",
        message: {
          text: `Blind-spot sample ${r.sample.eventClass} for ${r.scopeKey} could not be taken${r.sample.error ? `: ${errorText(r.sample.error)}` : ""}`,
        },
      })),
  ];
  const { summary, snapshot } = model;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "blindspot",
            version: snapshot.tool.version,
            semanticVersion: snapshot.tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: snapshot.complete,
            startTimeUtc: snapshot.startedAt,
            endTimeUtc: snapshot.finishedAt,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        columnKind: "unicodeCodePoints",
        results,
        properties: {
          coverage: percent(summary.coverageRatio),
          coverageRatio: summary.coverageRatio,
          blindSpotRatio: model.blindSpots.ratio,
          findings: summary.findings,
          failingBySeverity: summary.failingBySeverity,
          cells: summary.cells,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
