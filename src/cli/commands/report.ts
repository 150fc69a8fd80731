import type { Command } from "commander";
import { analyze } from "../../../analyzers/index.js";
import { UserError } from "../../errors.js";
import { type Severity, severityAtLeast } from "../../model/common.js";
import { renderJsonReport } from "../../report/json.js";
import { readSnapshot } from "../../snapshot/io.js";
import { writeFileAtomic } from "../../util/fs.js";
import type { CommandContext } from "../context.js";
import { intIn, oneOf, parseSeverity, pick } from "../options.js";
import { notAvailableYet } from "./not-yet.js";

export const REPORT_FORMATS = ["md", "json", "csv", "sarif", "html", "junit", "ocsf", "evidence"] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `blindspot report`: re-analyse a saved snapshot and write a report. */
export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command("report")
    .description("analyse a saved snapshot and write a report")
    .requiredOption("--from <file>", "snapshot (or JSON report) written by `blindspot scan`")
    .option("--format <format>", `output format: ${REPORT_FORMATS.join("|")}`, oneOf(REPORT_FORMATS), "json")
    .option("--out <file>", "write to FILE atomically instead of standard output")
    .option("--retention-days <days>", "retention threshold to judge against (default: the scan's)", intIn(1, 3653))
    .option("--fail-on <severity>", "exit 3 when a failing finding is at or above this severity", parseSeverity)
    .action(async (opts: { from: string; format: ReportFormat; out?: string }, cmd: Command) => {
      const { config } = await ctx.config();
      const format = opts.format;
      if (format !== "json") notAvailableYet(`report --format ${format}`, "use --format json");
      const snapshot = await readSnapshot(opts.from);
      const retentionDays = pick(cmd, config, "retention-days") ?? snapshot.options.retentionDays;
      const analysis = analyze(snapshot, { retentionDays, suppressions: config.suppressions ?? [] });
      const body = renderJsonReport(snapshot, analysis);
      const out = pick(cmd, config, "out");
      if (out) {
        try {
          await writeFileAtomic(out, body);
        } catch (err) {
          throw new UserError(`cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
            hint: "check the --out path and permissions",
            exitCode: 1,
          });
        }
      } else {
        ctx.io.stdout.write(body);
      }
      const failOn = pick(cmd, config, "fail-on") as Severity | undefined;
      if (failOn && analysis.findings.some((f) => f.status === "fail" && severityAtLeast(f.severity, failOn))) {
        ctx.setExit(3);
      }
    });
}
