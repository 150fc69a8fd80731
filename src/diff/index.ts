import type { Analysis } from "../../analyzers/index.js";
import { compareFindings } from "../../analyzers/index.js";
import type { FindingStatus, Severity } from "../model/common.js";
import type { Finding } from "../model/finding.js";
import type { ReportSummary } from "../model/report.js";
import { scopeKey } from "../model/scope.js";
import type { Snapshot } from "../model/snapshot.js";
import { escapeMd as md } from "../report/escape.js";
import { summarize } from "../report/json.js";
import { percent } from "../report/model.js";

export const DIFF_FORMAT_VERSION = 1;

/** A finding as it appears in a diff. */
export interface DiffFinding {
  id: string;
  checkId: string;
  severity: Severity;
  status: FindingStatus;
  scope: string;
  resource: string;
  title: string;
}

/** A finding present in both scans whose status or severity changed. */
export interface ChangedFinding {
  id: string;
  checkId: string;
  scope: string;
  resource: string;
  title: string;
  from: { status: FindingStatus | "absent"; severity: Severity | null };
  to: { status: FindingStatus | "absent"; severity: Severity | null };
}

export interface DiffSide {
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  summary: ReportSummary;
}

/**
 * Findings between two scans, keyed by the stable finding id:
 * - opened: failing now, and absent or passing before;
 * - closed: failing before, and absent or passing now;
 * - changed: every other change of status or severity (fail -> muted, unknown -> fail, absent -> pass, ...);
 * - unchanged: same status and severity in both (passes are only counted, in `unchangedPassing`).
 */
export interface SnapshotDiff {
  format: "blindspot-diff";
  formatVersion: typeof DIFF_FORMAT_VERSION;
  old: DiffSide;
  new: DiffSide;
  coverage: { old: number | null; new: number | null; change: number | null };
  opened: DiffFinding[];
  closed: DiffFinding[];
  changed: ChangedFinding[];
  unchanged: DiffFinding[];
  unchangedPassing: number;
}

function entry(f: Finding): DiffFinding {
  return {
    id: f.id,
    checkId: f.checkId,
    severity: f.severity,
    status: f.status,
    scope: scopeKey(f.scope),
    resource: f.resource,
    title: f.title,
  };
}

/** Compares two analysed snapshots. Pure and deterministic. */
export function diffSnapshots(
  oldSnap: Snapshot,
  oldAnalysis: Analysis,
  newSnap: Snapshot,
  newAnalysis: Analysis,
): SnapshotDiff {
  const before = new Map(oldAnalysis.findings.map((f) => [f.id, f]));
  const after = new Map(newAnalysis.findings.map((f) => [f.id, f]));
  const opened: Finding[] = [];
  const closed: Finding[] = [];
  const unchanged: Finding[] = [];
  const changed: { order: Finding; c: ChangedFinding }[] = [];
  let unchangedPassing = 0;
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  for (const id of ids) {
    const a = before.get(id);
    const b = after.get(id);
    const aStatus = a?.status ?? "absent";
    const bStatus = b?.status ?? "absent";
    if (b && bStatus === "fail" && (aStatus === "absent" || aStatus === "pass")) {
      opened.push(b);
    } else if (a && aStatus === "fail" && (bStatus === "absent" || bStatus === "pass")) {
      closed.push(a);
    } else if (a && b && aStatus === bStatus && a.severity === b.severity) {
      if (bStatus === "pass") unchangedPassing++;
      else unchanged.push(b);
    } else {
      const f = (b ?? a)!;
      changed.push({
        order: f,
        c: {
          id,
          checkId: f.checkId,
          scope: scopeKey(f.scope),
          resource: f.resource,
          title: f.title,
          from: { status: aStatus, severity: a?.severity ?? null },
          to: { status: bStatus, severity: b?.severity ?? null },
        },
      });
    }
  }
  opened.sort(compareFindings);
  closed.sort(compareFindings);
  unchanged.sort(compareFindings);
  changed.sort((x, y) => compareFindings(x.order, y.order));
  const oldSummary = summarize(oldAnalysis);
  const newSummary = summarize(newAnalysis);
  const side = (s: Snapshot, summary: ReportSummary): DiffSide => ({
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    complete: s.complete,
    summary,
  });
  return {
    format: "blindspot-diff",
    formatVersion: DIFF_FORMAT_VERSION,
    old: side(oldSnap, oldSummary),
    new: side(newSnap, newSummary),
    coverage: {
      old: oldSummary.coverageRatio,
      new: newSummary.coverageRatio,
      change:
        oldSummary.coverageRatio === null || newSummary.coverageRatio === null
          ? null
          : Math.round((newSummary.coverageRatio - oldSummary.coverageRatio) * 10_000) / 10_000,
    },
    opened: opened.map(entry),
    closed: closed.map(entry),
    changed: changed.map((x) => x.c),
    unchanged: unchanged.map(entry),
    unchangedPassing,
  };
}

export function renderDiffJson(diff: SnapshotDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}

function row(f: DiffFinding): string {
  return `| ${f.severity} | ${md(f.checkId)} | ${md(f.scope)} | ${md(f.resource)} | ${md(f.title)} | \`${f.id}\` |`;
}

const HEAD = "| Severity | Check | Scope | Resource | Finding | Id |\n|---|---|---|---|---|---|";

/** The diff as Markdown: coverage then and now, then each list. */
export function renderDiffMarkdown(diff: SnapshotDiff): string {
  const out: string[] = [];
  const line = (s = "") => out.push(s);
  line("# blindspot scan diff");
  line();
  line(
    `- Old scan: ${md(diff.old.startedAt)} to ${md(diff.old.finishedAt)}${diff.old.complete ? "" : " (incomplete)"}`,
  );
  line(
    `- New scan: ${md(diff.new.startedAt)} to ${md(diff.new.finishedAt)}${diff.new.complete ? "" : " (incomplete)"}`,
  );
  const change =
    diff.coverage.change === null
      ? ""
      : ` (${diff.coverage.change >= 0 ? "+" : "−"}${percent(Math.abs(diff.coverage.change))})`;
  line(`- Coverage: ${percent(diff.coverage.old)} then, ${percent(diff.coverage.new)} now${change}`);
  line(
    `- Failing findings: ${diff.old.summary.findings.fail} then, ${diff.new.summary.findings.fail} now · ` +
      `${diff.opened.length} opened, ${diff.closed.length} closed, ${diff.changed.length} changed, ` +
      `${diff.unchanged.length} unchanged (and ${diff.unchangedPassing} unchanged passes)`,
  );
  line();
  line("| Severity | Failing then | Failing now |");
  line("|---|---:|---:|");
  for (const s of ["critical", "high", "medium", "low", "info"] as const) {
    line(`| ${s} | ${diff.old.summary.failingBySeverity[s]} | ${diff.new.summary.failingBySeverity[s]} |`);
  }
  const section = (title: string, list: DiffFinding[]) => {
    line();
    line(`## ${title} (${list.length})`);
    line();
    if (list.length === 0) {
      line("None.");
      return;
    }
    line(HEAD);
    for (const f of list) line(row(f));
  };
  section("Opened", diff.opened);
  section("Closed", diff.closed);
  line();
  line(`## Changed (${diff.changed.length})`);
  line();
  if (diff.changed.length === 0) line("None.");
  else {
    line("| Check | Scope | Resource | Finding | Then | Now | Id |");
    line("|---|---|---|---|---|---|---|");
    for (const c of diff.changed) {
      const side = (s: ChangedFinding["from"]) => (s.severity ? `${s.status} (${s.severity})` : s.status);
      line(
        `| ${md(c.checkId)} | ${md(c.scope)} | ${md(c.resource)} | ${md(c.title)} | ${side(c.from)} | ${side(c.to)} | \`${c.id}\` |`,
      );
    }
  }
  section("Unchanged (not passing)", diff.unchanged);
  line();
  return out.join("\n");
}
