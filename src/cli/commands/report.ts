import type { Command } from "commander";
import { analyze } from "../../../analyzers/index.js";
import { type Severity, severityAtLeast } from "../../model/common.js";
import { assertReportTarget, REPORT_FORMATS, type ReportFormat, writeReport } from "../../report/index.js";
import { readSnapshot } from "../../snapshot/io.js";
import type { CommandContext } from "../context.js";
import { intIn, oneOf, parseSeverity, pick } from "../options.js";

export { REPORT_FORMATS } from "../../report/index.js";

/** `blindspot report`: re-analyse a saved snapshot and write a report. */
export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command("report")
    .description("analyse a saved snapshot and write a report")
    .requiredOption("--from <file>", "snapshot (or JSON report) written by `blindspot scan`")
    .option("--format <format>", `output format: ${REPORT_FORMATS.join("|")}`, oneOf(REPORT_FORMATS), "json")
    .option("--out <path>", "write to PATH atomically instead of standard output (a folder for --format evidence)")
    .option("--retention-days <days>", "retention threshold to judge against (default: the scan's)", intIn(1, 3653))
    .option("--fail-on <severity>", "exit 3 when a failing finding is at or above this severity", parseSeverity)
    .addHelpText(
      "after",
      `
Formats:
  md        Markdown: executive summary, coverage matrix, findings, blind spots, timeline, scope and method
  json      the snapshot with findings and coverage (schema/report.schema.json)
  csv       one row per finding, stable columns (docs/reports.md)
  sarif     SARIF 2.1.0 for code scanning (rules = checks, results = failing findings)
  html      one self-contained page: summary, heatmap, filterable findings, blind-spot timeline
  junit     JUnit XML: one test case per check x scope (unknown = error, muted = skipped)
  ocsf      OCSF 1.3.0 Compliance/Detection Finding events (JSON array)
  evidence  a folder (--out required): snapshot, every format above, controls.csv, manifest.json, SHA256SUMS`,
    )
    .action(async (opts: { from: string; format: ReportFormat; out?: string }, cmd: Command) => {
      const { config } = await ctx.config();
      const format = opts.format;
      const out = pick(cmd, config, "out");
      assertReportTarget(format, out);
      const snapshot = await readSnapshot(opts.from);
      const retentionDays = pick(cmd, config, "retention-days") ?? snapshot.options.retentionDays;
      const analysis = analyze(snapshot, { retentionDays, suppressions: config.suppressions ?? [] });
      await writeReport({ format, snapshot, analysis, out, stdout: ctx.io.stdout });
      const failOn = pick(cmd, config, "fail-on") as Severity | undefined;
      if (failOn && analysis.findings.some((f) => f.status === "fail" && severityAtLeast(f.severity, failOn))) {
        ctx.setExit(3);
      }
    });
}
