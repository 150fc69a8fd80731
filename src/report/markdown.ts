import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { clip, escapeMd as md, valueText } from "./escape.js";
import {
  CELL_STATUSES,
  checkOf,
  coverageMatrices,
  errorText,
  findingsWith,
  offFor,
  percent,
  plural,
  type ReportModel,
  SEVERITY_WORDS,
  scopeName,
} from "./model.js";

const CELL_WORD: Record<string, string> = {
  covered: "covered",
  partial: "PARTIAL",
  uncovered: "UNCOVERED",
  unknown: "UNKNOWN",
  "n/a": "n/a",
};

/** The Markdown report: executive summary, coverage matrix, findings, blind spots, timeline, scope and method. */
export function renderMarkdown(model: ReportModel): string {
  const { snapshot, summary } = model;
  const out: string[] = [];
  const line = (s = "") => out.push(s);

  line("# blindspot audit-log gap report");
  line();
  line(
    `Scan ${md(snapshot.startedAt)} to ${md(snapshot.finishedAt)} · blindspot ${md(snapshot.tool.version)} · ` +
      `clouds: ${md(snapshot.options.clouds.join(", ") || "none")} · retention threshold ${snapshot.options.retentionDays} days`,
  );
  if (!snapshot.complete) {
    line();
    line(
      "> **Incomplete scan**: the scan was cancelled or cut short. Scopes it did not reach are unknown, not covered.",
    );
  }
  if (snapshot.options.endpoints && Object.keys(snapshot.options.endpoints).length > 0) {
    line();
    line("> **Endpoint overrides were in effect** (simulator or emulator): this is not a scan of a real cloud.");
  }

  // Executive summary
  line();
  line("## Executive summary");
  line();
  const applicable = model.analysis.coverage.length - summary.cells["n/a"];
  line(
    `- **Coverage: ${percent(summary.coverageRatio)}** of applicable cells covered (${summary.cells.covered} of ${applicable}; ` +
      `${summary.cells.partial} partial, ${summary.cells.uncovered} uncovered, ${summary.cells.unknown} unknown, ${summary.cells["n/a"]} n/a)`,
  );
  const bs = model.blindSpots;
  line(
    bs.sampled === 0
      ? `- **Blind-spot ratio: n/a** (no events sampled${bs.unknown > 0 ? `; ${plural(bs.unknown, "sample")} could not be taken` : ""})`
      : `- **Blind-spot ratio: ${percent(bs.ratio)}** (${bs.missing} of ${bs.sampled} sampled events missing from the SIEM` +
          `${bs.unknown > 0 ? `; ${plural(bs.unknown, "sample")} could not be taken` : ""})`,
  );
  line(
    `- **Findings:** ${summary.findings.fail} failing, ${summary.findings.unknown} unknown (could not verify), ` +
      `${summary.findings.muted} muted, ${summary.findings.pass} passing`,
  );
  if (model.timeline.length > 0) {
    const tamper = model.timeline.filter((t) => t.kind === "tamper").length;
    const gaps = model.timeline.length - tamper;
    line(
      `- **Timeline:** ${plural(tamper, "logging change")} and ${plural(gaps, "SIEM delivery-gap day")} inside the window`,
    );
  }
  line();
  line("| Severity | Failing |");
  line("|---|---:|");
  for (const s of SEVERITY_WORDS) line(`| ${s} | ${summary.failingBySeverity[s]} |`);
  line();
  line("### Controls");
  line();
  line("| Control | Result | Fail | Unknown | Muted | Pass |");
  line("|---|---|---:|---:|---:|---:|");
  for (const c of model.controls) {
    const result = c.result === "fail" ? "**FAIL**" : c.result === "unknown" ? "UNKNOWN" : c.result;
    line(
      `| ${md(c.control)} | ${result} | ${c.counts.fail} | ${c.counts.unknown} | ${c.counts.muted} | ${c.counts.pass} |`,
    );
  }

  // Coverage matrix
  line();
  line("## Coverage matrix");
  line();
  line(`Legend: ${CELL_STATUSES.map((s) => CELL_WORD[s]).join(", ")}. Unknown is never counted as covered.`);
  const matrices = coverageMatrices(model);
  if (matrices.length === 0) {
    line();
    line("No account, region or subscription was scanned.");
  }
  for (const m of matrices) {
    line();
    line(m.cloud === "aws" ? "### AWS (account × region)" : "### Azure (subscription)");
    line();
    line(`| ${m.cloud === "aws" ? "Account" : "Subscription"} | ${m.columns.map(md).join(" | ")} |`);
    line(`|---|${m.columns.map(() => "---").join("|")}|`);
    for (const r of m.rows) {
      line(`| ${md(r.label)} | ${r.cells.map((c) => (c ? CELL_WORD[c.status] : "")).join(" | ")} |`);
    }
  }
  const notCovered = model.analysis.coverage.filter((c) => c.status !== "covered" && c.status !== "n/a");
  if (notCovered.length > 0) {
    line();
    line("Cells that are not covered:");
    line();
    for (const c of [...notCovered].sort((a, b) => (scopeKey(a.scope) < scopeKey(b.scope) ? -1 : 1))) {
      line(
        `- ${md(scopeName(model, c.scope))}: ${CELL_WORD[c.status]}${c.reasons.length ? ` — ${md(c.reasons.join("; "))}` : ""}`,
      );
    }
  }

  // Findings
  line();
  line("## Findings");
  const failing = findingsWith(model, "fail");
  if (failing.length === 0) {
    line();
    line("No failing findings.");
  }
  for (const sev of SEVERITY_WORDS) {
    const list = failing.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    line();
    line(`### ${sev[0]!.toUpperCase()}${sev.slice(1)} (${list.length})`);
    for (const f of list) findingBlock(model, f, line);
  }
  const unknown = findingsWith(model, "unknown");
  if (unknown.length > 0) {
    line();
    line(`### Could not verify (${unknown.length})`);
    for (const f of unknown) findingBlock(model, f, line);
  }
  const muted = findingsWith(model, "muted");
  if (muted.length > 0) {
    line();
    line(`### Muted (${muted.length})`);
    for (const f of muted) findingBlock(model, f, line);
  }
  const passing = findingsWith(model, "pass");
  if (passing.length > 0) {
    line();
    line(`### Passing (${passing.length})`);
    line();
    line("| Check | Scope | Resource | Result |");
    line("|---|---|---|---|");
    for (const f of passing) {
      line(`| ${md(f.checkId)} | ${md(scopeName(model, f.scope))} | ${md(f.resource)} | ${md(f.title)} |`);
    }
  }

  // Blind spots
  line();
  line("## Blind spots");
  line();
  if (bs.rows.length === 0) {
    line(
      snapshot.options.sample
        ? "No blind-spot samples were recorded."
        : "Sampling was off for this scan (`--no-sample`): delivery to the SIEM was not proven.",
    );
  } else {
    line("| Scope | Event class | Sampled | Found | Missing | Ratio | Destination | State |");
    line("|---|---|---:|---:|---:|---:|---|---|");
    for (const r of bs.rows) {
      const s = r.sample;
      const dest = s.destination ? `${s.destination.kind} ${s.destination.id}` : "none";
      const state =
        s.state === "ok" ? (s.capped ? "ok (capped)" : "ok") : `unknown${s.error ? `: ${errorText(s.error)}` : ""}`;
      line(
        `| ${md(scopeName(model, r.scope))} | ${s.eventClass} | ${s.sampled} | ${s.found} | ${s.missing.length} | ${percent(r.ratio)} | ${md(dest)} | ${md(state)} |`,
      );
    }
    const missing = bs.rows.flatMap((r) => r.sample.missing.map((m) => ({ r, m })));
    if (missing.length > 0) {
      line();
      line("### Missing events");
      line();
      line("| Time | Scope | Class | Event | Event id | Actor | Source IP |");
      line("|---|---|---|---|---|---|---|");
      missing.sort((a, b) => (a.m.time < b.m.time ? -1 : a.m.time > b.m.time ? 1 : a.m.eventId < b.m.eventId ? -1 : 1));
      for (const { r, m } of missing) {
        line(
          `| ${md(m.time)} | ${md(scopeName(model, m.region && r.scope.cloud === "aws" ? { ...r.scope, region: m.region } : r.scope))} | ${r.sample.eventClass} | ${md(m.name)} | ${md(m.eventId)} | ${md(m.actor ?? "")} | ${md(m.sourceIp ?? "")} |`,
        );
      }
    }
  }

  // Timeline
  line();
  line("## Tamper and gap timeline");
  line();
  line(`Window: ${md(model.window.start)} to ${md(model.window.end)}.`);
  line();
  if (model.timeline.length === 0) {
    line("No logging changes or SIEM delivery gaps were found inside the window.");
  } else {
    line("| Time | Scope | What | Actor | Source IP | Resource | Logging off |");
    line("|---|---|---|---|---|---|---|");
    for (const t of model.timeline) {
      if (t.kind === "tamper") {
        const e = t.event;
        line(
          `| ${md(e.time)} | ${md(scopeName(model, t.scope))} | ${md(e.name)} | ${md(e.actor ?? "")} | ${md(e.sourceIp ?? "")} | ${md(e.resource ?? "")} | ${md(offFor(e, snapshot.finishedAt))} |`,
        );
      } else {
        line(
          `| ${md(t.day)} | ${md(scopeName(model, t.scope))} | SIEM delivery gap (${t.eventClass}): ${t.source} events at the source, none in the SIEM |  |  |  |  |`,
        );
      }
    }
  }

  // Scope and method
  line();
  line("## Scope and method");
  line();
  const o = snapshot.options;
  const sc = model.scope;
  if (o.clouds.includes("aws") || sc.awsAccounts > 0) {
    line(
      `- AWS: ${sc.awsAccountsEntered} of ${sc.awsAccounts} accounts entered${o.org ? " (organization)" : ""}, ${sc.awsRegions} account-regions scanned` +
        `${o.roleName ? `, member role ${md(o.roleName)}` : ""}`,
    );
  }
  if (o.clouds.includes("azure") || sc.azureSubscriptions > 0) {
    line(
      `- Azure: ${sc.azureSubscriptionsRead} of ${sc.azureSubscriptions} subscriptions read, ${plural(sc.azureTenants, "tenant")}`,
    );
  }
  if (o.accounts?.length) line(`- Accounts filter: ${md(o.accounts.join(", "))}`);
  if (o.excludeAccounts?.length) line(`- Excluded accounts: ${md(o.excludeAccounts.join(", "))}`);
  if (o.regions?.length) line(`- Regions filter: ${md(o.regions.join(", "))}`);
  if (o.subscriptions?.length) line(`- Subscriptions filter: ${md(o.subscriptions.join(", "))}`);
  if (o.excludeSubscriptions?.length) line(`- Excluded subscriptions: ${md(o.excludeSubscriptions.join(", "))}`);
  if (o.shard) line(`- Shard ${o.shard.index} of ${o.shard.count}: other shards are not in this report`);
  line(`- Retention threshold: ${o.retentionDays} days`);
  line(
    o.sample
      ? `- Blind-spot sampling: ${o.sampleDays} days (${md(model.window.start)} to ${md(model.window.end)}), up to ${o.sampleMax ?? "the default number of"} events per class and scope`
      : "- Blind-spot sampling: off (configuration checks only)",
  );
  line(
    "- Method: read-only API calls (Describe/Get/List/Lookup/query); verdicts by pure analyzers over the saved snapshot.",
  );
  if (o.endpoints) {
    for (const [k, v] of Object.entries(o.endpoints).sort(([a], [b]) => (a < b ? -1 : 1))) {
      line(`- Endpoint override ${md(k)}: ${md(v)}`);
    }
  }
  line();
  line("### What was unknown");
  line();
  if (model.unknowns.length === 0) {
    line("Nothing: every scanned scope was read.");
  } else {
    for (const u of model.unknowns) line(`- ${md(u.scopeKey)} — ${md(u.what)}: ${md(u.reason)}`);
  }
  line();
  return out.join("\n");
}

function findingBlock(model: ReportModel, f: Finding, line: (s?: string) => void): void {
  const check = checkOf(f.checkId);
  line();
  line(`#### ${md(clip(f.title, 200))}`);
  line();
  line(`- Status: **${f.status}** · severity ${f.severity} · check \`${f.checkId}\` (${md(check.title)})`);
  if (f.mute) line(`- Muted until ${md(f.mute.expires)}: ${md(f.mute.reason)}`);
  line(`- Scope: ${md(scopeName(model, f.scope))}`);
  line(`- Resource: ${md(f.resource)}`);
  line(`- Finding id: \`${f.id}\``);
  if (f.controls.length) line(`- Controls: ${md(f.controls.join(", "))}`);
  if (f.evidence.length) {
    line("- Evidence:");
    for (const e of f.evidence) {
      const meta = [e.source, e.at].filter(Boolean).join(", ");
      line(`  - ${md(e.label)}: ${md(valueText(e.value))}${meta ? ` (${md(meta)})` : ""}`);
    }
  }
  if (check.remediation) line(`- Remediation: ${md(check.remediation)}`);
  const ids = f.remediationIds.length ? ` (${md(f.remediationIds.join(", "))})` : "";
  if (f.status === "fail" || f.status === "muted") {
    line(`- Fix script: \`blindspot fix --from SNAPSHOT --finding ${f.id}\`${ids}`);
  }
}
