/**
 * azure.activity.export-missing, azure.activity.categories-missing, azure.logprofile.legacy: does each readable
 * subscription export its Activity Log through a diagnostic setting, with the categories an audit needs?
 */
import type { Evidence, Finding } from "../../src/model/finding.js";
import type { AzureSubscription } from "../../src/model/snapshot-azure.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import {
  describeSetting,
  errorEvidence,
  exportingSettings,
  exportsCategory,
  REQUIRED_CATEGORIES,
  readableSubscriptions,
  subScope,
} from "./facts.js";

function name(sub: AzureSubscription): string {
  return sub.displayName ? `${sub.displayName} (${sub.subscriptionId})` : sub.subscriptionId;
}

function settingsEvidence(sub: AzureSubscription): Evidence[] {
  if (sub.diagnosticSettings?.state !== "ok") return [];
  const at = sub.readAt;
  return [
    {
      label: "diagnostic settings",
      value: sub.diagnosticSettings.value.map(describeSetting),
      source: "arm:diagnosticSettings.list",
      ...(at ? { at } : {}),
    },
  ];
}

export function analyzeActivityExport({ snapshot }: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const sub of readableSubscriptions(snapshot.azure)) {
    const scope = subScope(sub);
    const diag = sub.diagnosticSettings;
    if (!diag) continue;
    if (diag.state === "error") {
      const ev = [errorEvidence("error", diag.error)];
      out.push(
        makeFinding({
          checkId: "azure.activity.export-missing",
          status: "unknown",
          scope,
          title: `Activity Log export of ${name(sub)} could not be read`,
          evidence: ev,
        }),
      );
      continue;
    }
    const exporting = exportingSettings(sub) ?? [];
    if (exporting.length === 0) {
      out.push(
        makeFinding({
          checkId: "azure.activity.export-missing",
          status: "fail",
          scope,
          title: `${name(sub)} has no diagnostic setting exporting its Activity Log`,
          evidence: [
            ...settingsEvidence(sub),
            {
              label: "why",
              value:
                diag.value.length === 0
                  ? "no diagnostic setting at subscription scope"
                  : "no setting has both a destination and an enabled category",
            },
          ],
        }),
      );
      continue;
    }
    out.push(
      makeFinding({
        checkId: "azure.activity.export-missing",
        status: "pass",
        scope,
        title: `${name(sub)} exports its Activity Log (${exporting.map((s) => s.name).join(", ")})`,
        evidence: settingsEvidence(sub),
      }),
    );
    const missing = REQUIRED_CATEGORIES.filter((c) => !exporting.some((s) => exportsCategory(s, c)));
    out.push(
      makeFinding({
        checkId: "azure.activity.categories-missing",
        status: missing.length > 0 ? "fail" : "pass",
        scope,
        title:
          missing.length > 0
            ? `Activity Log export of ${name(sub)} lacks ${missing.join(", ")}`
            : `Activity Log export of ${name(sub)} carries ${REQUIRED_CATEGORIES.join(", ")}`,
        evidence: [
          ...settingsEvidence(sub),
          { label: "required categories", value: [...REQUIRED_CATEGORIES] },
          { label: "missing categories", value: missing },
        ],
      }),
    );
  }
  return out;
}

export function analyzeLogProfiles({ snapshot }: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const sub of readableSubscriptions(snapshot.azure)) {
    const scope = subScope(sub);
    const diag = sub.diagnosticSettings;
    const profiles = sub.logProfiles;
    if (!diag || !profiles) continue;
    const exporting = exportingSettings(sub);
    const at = sub.readAt;
    if (exporting && exporting.length > 0) {
      out.push(
        makeFinding({
          checkId: "azure.logprofile.legacy",
          status: "pass",
          scope,
          title: `${name(sub)} exports through a diagnostic setting${profiles.state === "ok" && profiles.value.length > 0 ? " (a legacy log profile also exists)" : ""}`,
          evidence: [
            {
              label: "diagnostic settings",
              value: exporting.map((s) => s.name),
              source: "arm:diagnosticSettings.list",
            },
            ...(profiles.state === "ok"
              ? [
                  {
                    label: "log profiles",
                    value: profiles.value.map((p) => p.name),
                    source: "arm:logProfiles.list",
                    ...(at ? { at } : {}),
                  },
                ]
              : []),
          ],
        }),
      );
      continue;
    }
    if (diag.state === "error" || profiles.state === "error") {
      const err = diag.state === "error" ? diag.error : profiles.state === "error" ? profiles.error : undefined;
      out.push(
        makeFinding({
          checkId: "azure.logprofile.legacy",
          status: "unknown",
          scope,
          title: `Export method of ${name(sub)} could not be read`,
          evidence: err ? [errorEvidence("error", err)] : [],
        }),
      );
      continue;
    }
    if (profiles.value.length === 0) {
      out.push(
        makeFinding({
          checkId: "azure.logprofile.legacy",
          status: "pass",
          scope,
          title: `${name(sub)} has no legacy log profile`,
          evidence: [{ label: "log profiles", value: [], source: "arm:logProfiles.list", ...(at ? { at } : {}) }],
        }),
      );
      continue;
    }
    for (const p of profiles.value) {
      out.push(
        makeFinding({
          checkId: "azure.logprofile.legacy",
          status: "fail",
          scope,
          resource: p.id || undefined,
          title: `Only the legacy log profile ${p.name} exports the Activity Log of ${name(sub)} (retired 2026-09-30)`,
          evidence: [
            {
              label: "log profile",
              value: {
                name: p.name,
                storageAccountId: p.storageAccountId ?? null,
                serviceBusRuleId: p.serviceBusRuleId ?? null,
                locations: p.locations,
                categories: p.categories,
                retentionPolicy: p.retentionPolicy ?? null,
              },
              source: "arm:logProfiles.list",
              ...(at ? { at } : {}),
            },
            { label: "diagnostic settings", value: [], source: "arm:diagnosticSettings.list" },
          ],
        }),
      );
    }
  }
  return out;
}
