/**
 * azure.siem.blind-spot, azure.siem.failed-logins-missing, azure.siem.delivery-gap, azure.tamper.logging-changed and
 * azure.retention.unproven: judged from the facts blind-spot sampling recorded.
 */
import type { Evidence, Finding } from "../../src/model/finding.js";
import type { AzureSubscription } from "../../src/model/snapshot-azure.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import {
  describeTamper,
  destinationLabel,
  errorEvidence,
  judgeGaps,
  judgeRetention,
  sampleEvidence,
  tamperEvidence,
} from "./common.js";

function subs(ctx: AnalyzerContext): AzureSubscription[] {
  return (ctx.snapshot.azure?.subscriptions ?? []).filter((s) => s.access.state === "ok");
}

function subScope(s: AzureSubscription) {
  return { cloud: "azure" as const, subscriptionId: s.subscriptionId, ...(s.tenantId ? { tenantId: s.tenantId } : {}) };
}

const label = (s: AzureSubscription) => s.displayName ?? s.subscriptionId;

export function analyzeAzureBlindSpots(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const sub of subs(ctx)) {
    const samples = sub.samples.filter((s) => s.eventClass === "privileged" || s.eventClass === "root");
    if (samples.length === 0) continue;
    const scope = subScope(sub);
    const evidence = samples.flatMap(sampleEvidence);
    const ok = samples.filter((s) => s.state === "ok");
    const sampled = ok.reduce((n, s) => n + s.sampled, 0);
    const missing = ok.reduce((n, s) => n + s.missing.length, 0);
    const dest = destinationLabel(samples[0]?.destination ?? null);
    if (missing > 0) {
      out.push(
        makeFinding({
          checkId: "azure.siem.blind-spot",
          status: "fail",
          scope,
          title: samples[0]?.destination
            ? `${missing} of ${sampled} sampled privileged operations of ${label(sub)} never reached ${dest}`
            : `${missing} of ${sampled} sampled privileged operations of ${label(sub)} reached no SIEM: no diagnostic setting exports the Activity Log`,
          evidence,
        }),
      );
    } else if (samples.some((s) => s.state === "unknown")) {
      out.push(
        makeFinding({
          checkId: "azure.siem.blind-spot",
          status: "unknown",
          scope,
          title: `Delivery of privileged operations of ${label(sub)} could not be verified`,
          evidence,
        }),
      );
    } else if (sampled > 0) {
      out.push(
        makeFinding({
          checkId: "azure.siem.blind-spot",
          status: "pass",
          scope,
          title: `All ${sampled} sampled privileged operations of ${label(sub)} reached ${dest}`,
          evidence,
        }),
      );
    }
    const verdict = judgeGaps(samples);
    if (verdict.status === "none") continue;
    const perDay: Evidence = {
      label: "activity records per day (activity log / workspace)",
      value: verdict.days.map((d) => `${d.day} ${d.source}/${d.siem ?? "?"}`),
      source: "arm:activityLogs.list, AzureActivity | summarize count() by bin(TimeGenerated, 1d)",
    };
    out.push(
      makeFinding({
        checkId: "azure.siem.delivery-gap",
        status: verdict.status,
        scope,
        title:
          verdict.status === "fail"
            ? `${verdict.gapDays.length} day(s) of ${label(sub)} with activity and nothing in the workspace: ${verdict.gapDays.map((d) => d.day).join(", ")}`
            : verdict.status === "pass"
              ? `Every day of ${label(sub)} with activity reached the workspace`
              : `Daily delivery of ${label(sub)} could not be verified`,
        evidence: [
          ...(verdict.status === "fail" ? [{ label: "missing days", value: verdict.gapDays.map((d) => d.day) }] : []),
          perDay,
          ...samples.flatMap((s) => (s.error ? [errorEvidence(s.error)] : [])),
        ],
      }),
    );
  }
  return out;
}

export function analyzeAzureFailedLogins(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const tenant of ctx.snapshot.azure?.tenants ?? []) {
    const s = tenant.samples.find((x) => x.eventClass === "failed-login");
    if (!s) continue;
    const scope = { cloud: "azure" as const, tenantId: tenant.tenantId };
    const evidence = sampleEvidence(s);
    if (s.state === "unknown") {
      out.push(
        makeFinding({
          checkId: "azure.siem.failed-logins-missing",
          status: "unknown",
          scope,
          title: `Whether failed sign-ins of tenant ${tenant.tenantId} reach a workspace could not be verified`,
          evidence,
        }),
      );
    } else if (s.destination === null) {
      out.push(
        makeFinding({
          checkId: "azure.siem.failed-logins-missing",
          status: "fail",
          scope,
          title: `Failed sign-ins of tenant ${tenant.tenantId} reach no workspace: Entra ID exports no SignInLogs / NonInteractiveUserSignInLogs`,
          evidence,
        }),
      );
    } else if (s.missing.length > 0) {
      out.push(
        makeFinding({
          checkId: "azure.siem.failed-logins-missing",
          status: "fail",
          scope,
          title: `${s.missing.length} of ${s.sampled} failed sign-ins of tenant ${tenant.tenantId} are missing from ${destinationLabel(s.destination)}`,
          evidence,
        }),
      );
    } else {
      out.push(
        makeFinding({
          checkId: "azure.siem.failed-logins-missing",
          status: "pass",
          scope,
          title: `Failed sign-ins of tenant ${tenant.tenantId} are exported to ${destinationLabel(s.destination)} (${s.found} in the window)`,
          evidence,
        }),
      );
    }
  }
  return out;
}

export function analyzeAzureTamper(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const sub of subs(ctx)) {
    if (sub.samples.length === 0 && sub.tamper.length === 0) continue; // not sampled
    const scope = subScope(sub);
    const listErrors = sub.errors.filter((e) => e.service === "arm" && e.operation === "activityLogs.list");
    if (listErrors.length > 0 && sub.tamper.length === 0) {
      out.push(
        makeFinding({
          checkId: "azure.tamper.logging-changed",
          status: "unknown",
          scope,
          title: `Changes to the Activity Log export of ${label(sub)} could not be looked up`,
          evidence: listErrors.map(errorEvidence),
        }),
      );
      continue;
    }
    if (sub.tamper.length === 0) {
      out.push(
        makeFinding({
          checkId: "azure.tamper.logging-changed",
          status: "pass",
          scope,
          title: `No change to the Activity Log export of ${label(sub)} inside the window`,
          evidence: [{ label: "looked up", value: "diagnosticSettings write/delete", source: "arm:activityLogs.list" }],
        }),
      );
      continue;
    }
    const sorted = [...sub.tamper].sort((a, b) => (a.time < b.time ? -1 : 1));
    const headline = sorted.find((t) => /delete$/i.test(t.name)) ?? sorted[0]!;
    const more = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : "";
    out.push(
      makeFinding({
        checkId: "azure.tamper.logging-changed",
        status: "fail",
        scope,
        title: `${describeTamper(headline, ctx.now)}${more}`,
        evidence: [...sorted.map((t) => tamperEvidence(t, ctx.now)), ...listErrors.map(errorEvidence)],
      }),
    );
  }
  return out;
}

export function analyzeAzureRetentionProof(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  const tenantOf = new Map(
    (ctx.snapshot.azure?.subscriptions ?? []).map((s) => [s.subscriptionId.toLowerCase(), s.tenantId]),
  );
  for (const w of ctx.snapshot.azure?.workspaces ?? []) {
    if (!w.oldestEvent) continue;
    const tenantId = tenantOf.get(w.subscriptionId.toLowerCase());
    const scope = { cloud: "azure" as const, subscriptionId: w.subscriptionId, ...(tenantId ? { tenantId } : {}) };
    const name = w.name ?? w.id;
    const v = judgeRetention(w.oldestEvent, w.createdDate, ctx.policy.retentionDays, ctx.now);
    const facts: Evidence[] = [
      {
        label: "oldest AzureActivity row",
        value: w.oldestEvent.state === "ok" ? w.oldestEvent.value.time : null,
        source: w.oldestEvent.state === "ok" ? w.oldestEvent.value.method : "loganalytics:query",
        ...(w.oldestEvent.state === "ok" ? { at: w.oldestEvent.value.readAt } : {}),
      },
      { label: "workspace created", value: w.createdDate ?? null },
      { label: "workspace retentionInDays", value: w.retentionInDays ?? null },
    ];
    if (v.status === "unknown") {
      out.push(
        makeFinding({
          checkId: "azure.retention.unproven",
          status: "unknown",
          scope,
          resource: w.id,
          title: `The oldest AzureActivity row of ${name} could not be read`,
          evidence: w.oldestEvent.state === "error" ? [errorEvidence(w.oldestEvent.error)] : facts,
        }),
      );
      continue;
    }
    out.push(
      makeFinding({
        checkId: "azure.retention.unproven",
        status: v.status,
        scope,
        resource: w.id,
        title:
          v.status === "fail"
            ? `${name} holds ${v.oldestAgeDays === null ? "no Activity Log rows" : `only ${Math.floor(v.oldestAgeDays)} days of Activity Log`}; ${v.expectedDays} days expected`
            : `${name} holds ${Math.floor(v.oldestAgeDays ?? 0)} days of Activity Log (${v.expectedDays} expected)`,
        evidence: [...facts, { label: "expected days", value: v.expectedDays }],
      }),
    );
  }
  return out;
}
