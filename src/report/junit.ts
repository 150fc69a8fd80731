import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { escapeXml as attr, escapeXmlText as text, valueText } from "./escape.js";
import { checkOf, cmp, type ReportModel } from "./model.js";

interface Case {
  checkId: string;
  scope: string;
  findings: Finding[];
  outcome: "failure" | "error" | "skipped" | "pass";
}

/** fail beats unknown beats muted beats pass, for one check in one scope. */
function outcomeOf(findings: readonly Finding[]): Case["outcome"] {
  if (findings.some((f) => f.status === "fail")) return "failure";
  if (findings.some((f) => f.status === "unknown")) return "error";
  if (findings.some((f) => f.status === "muted")) return "skipped";
  return "pass";
}

function details(f: Finding): string {
  const lines = [`[${f.status}] ${f.title}`, `  finding ${f.id}`, `  resource ${f.resource}`];
  for (const e of f.evidence) {
    lines.push(`  ${e.label}: ${valueText(e.value)}${e.source ? ` (${e.source}${e.at ? `, ${e.at}` : ""})` : ""}`);
  }
  if (f.mute) lines.push(`  muted until ${f.mute.expires}: ${f.mute.reason}`);
  return lines.join("\n");
}

/** ISO time without fraction or zone, as the JUnit schema's `timestamp` expects (the value is UTC). */
function junitTime(iso: string): string {
  return iso.slice(0, 19);
}

/**
 * JUnit XML for CI dashboards: one <testsuite> per check, one <testcase> per check × scope. A failing finding is a
 * <failure>; an unknown (could not verify) is an <error>, so it never shows green; a muted finding is <skipped> with
 * its reason and expiry; a pass is an empty test case. Times are 0: the scan is one run, not timed per check.
 */
export function renderJunit(model: ReportModel): string {
  const groups = new Map<string, Case>();
  for (const f of model.analysis.findings) {
    const scope = scopeKey(f.scope);
    const key = `${f.checkId}\u0000${scope}`;
    const c = groups.get(key) ?? { checkId: f.checkId, scope, findings: [], outcome: "pass" as const };
    c.findings.push(f);
    groups.set(key, c);
  }
  const byCheck = new Map<string, Case[]>();
  for (const c of groups.values()) {
    c.outcome = outcomeOf(c.findings);
    const list = byCheck.get(c.checkId);
    if (list) list.push(c);
    else byCheck.set(c.checkId, [c]);
  }
  const checkIds = [...byCheck.keys()].sort(cmp);
  const count = (cases: readonly Case[], o: Case["outcome"]) => cases.filter((c) => c.outcome === o).length;
  const all = [...groups.values()];
  const stamp = junitTime(model.snapshot.finishedAt);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="blindspot" tests="${all.length}" failures="${count(all, "failure")}" errors="${count(all, "error")}" skipped="${count(all, "skipped")}" time="0">`,
  );
  checkIds.forEach((checkId, i) => {
    const cases = (byCheck.get(checkId) ?? []).sort((a, b) => cmp(a.scope, b.scope));
    const check = checkOf(checkId);
    out.push(
      `  <testsuite id="${i}" name="${attr(checkId)}" package="blindspot.${attr(check.cloud)}" hostname="blindspot" tests="${cases.length}" failures="${count(cases, "failure")}" errors="${count(cases, "error")}" skipped="${count(cases, "skipped")}" time="0" timestamp="${stamp}">`,
    );
    out.push("    <properties>");
    out.push(`      <property name="title" value="${attr(check.title)}"/>`);
    out.push(`      <property name="severity" value="${attr(check.severity)}"/>`);
    for (const c of check.controls) out.push(`      <property name="control" value="${attr(c)}"/>`);
    out.push("    </properties>");
    for (const c of cases) {
      const open = `    <testcase classname="${attr(checkId)}" name="${attr(c.scope)}" time="0"`;
      const relevant = c.findings.filter((f) =>
        c.outcome === "failure"
          ? f.status === "fail"
          : c.outcome === "error"
            ? f.status === "unknown"
            : f.status === "muted",
      );
      const first = relevant[0];
      if (c.outcome === "pass" || !first) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      const message = relevant.length > 1 ? `${first.title} (+${relevant.length - 1} more)` : first.title;
      const body = text(relevant.map(details).join("\n"));
      if (c.outcome === "failure") {
        out.push(`      <failure type="${attr(first.severity)}" message="${attr(message)}">${body}</failure>`);
      } else if (c.outcome === "error") {
        out.push(`      <error type="unknown" message="${attr(`could not verify: ${message}`)}">${body}</error>`);
      } else {
        const mute = first.mute;
        out.push(`      <skipped message="${attr(mute ? `muted until ${mute.expires}: ${mute.reason}` : "muted")}"/>`);
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  });
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
