import { join } from "node:path";
import type { Command } from "commander";
import { analyze } from "../../../analyzers/index.js";
import { UserError } from "../../errors.js";
import { generateFixes } from "../../remediate/index.js";
import { readSnapshot } from "../../snapshot/io.js";
import { writeFileAtomic } from "../../util/fs.js";
import type { CommandContext } from "../context.js";
import { intIn, oneOf, parseList } from "../options.js";

interface FixOptions {
  from: string;
  finding?: string[];
  check?: string[];
  format: "bash" | "terraform";
  guardrails?: boolean;
  out?: string;
  retentionDays?: number;
}

/** Accumulates repeated `--finding a,b --finding c`. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...parseList(value)];
}

/** `blindspot fix`: fix scripts (bash with aws/az CLI, or Terraform JSON) for failing findings. */
export function registerFix(program: Command, ctx: CommandContext): void {
  program
    .command("fix")
    .description("generate fix scripts (bash with aws/az CLI, or Terraform) for failing findings")
    .requiredOption("--from <file>", "snapshot (or JSON report) written by `blindspot scan`")
    .option("--finding <ids>", "only these finding ids (comma-separated, repeatable)", collect)
    .option("--check <ids>", "only findings of these check ids (comma-separated, repeatable)", collect)
    .option("--format <format>", "bash|terraform", oneOf(["bash", "terraform"] as const), "bash")
    .option("--guardrails", "add AWS Config rules and an Azure Policy assignment so the gaps cannot silently return")
    .option("--out <dir>", "write the files into DIR (atomically); bash goes to standard output without it")
    .option("--retention-days <days>", "retention threshold (default: the scan's)", intIn(1, 3653))
    .addHelpText(
      "after",
      `
Files: fix-aws.sh / fix-azure.sh (bash), fix-aws.tf.json / fix-azure.tf.json (terraform).
Scripts are a dry run by default (print every command, change nothing); --apply checks the current state and
runs only what is needed. Alarm fixes need BLINDSPOT_ALARM_TOPIC_ARN or BLINDSPOT_ALARM_EMAIL (AWS), and
BLINDSPOT_ALERT_RESOURCE_GROUP with BLINDSPOT_ACTION_GROUP_ID or BLINDSPOT_ALARM_EMAIL (Azure). See docs/fix.md.`,
    )
    .action(async (opts: FixOptions) => {
      const { config } = await ctx.config();
      if (opts.format === "terraform" && !opts.out) {
        throw new UserError("--format terraform writes several files and needs --out DIR", { hint: "add --out fix/" });
      }
      const snapshot = await readSnapshot(opts.from);
      const retentionDays = opts.retentionDays ?? snapshot.options.retentionDays;
      const analysis = analyze(snapshot, { retentionDays, suppressions: config.suppressions ?? [] });
      const known = new Set(analysis.findings.map((f) => f.id));
      const unknown = (opts.finding ?? []).filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new UserError(`unknown finding id ${unknown.join(", ")} in ${opts.from}`, {
          hint: "list the ids with `blindspot report --from FILE --format csv`",
        });
      }
      const result = generateFixes({
        snapshot,
        analysis,
        format: opts.format,
        retentionDays,
        ...(opts.finding ? { findingIds: opts.finding } : {}),
        ...(opts.check ? { checkIds: opts.check } : {}),
        ...(opts.guardrails ? { guardrails: true } : {}),
      });
      for (const s of result.skipped) ctx.io.stderr.write(`blindspot: skipped ${s.findingId}: ${s.reason}\n`);
      if (result.files.length === 0) {
        ctx.io.stderr.write("blindspot: nothing to fix in the selection\n");
        return;
      }
      if (!opts.out) {
        if (result.files.length > 1) {
          throw new UserError(
            `the selection needs ${result.files.map((f) => f.path).join(" and ")}; standard output takes one script`,
            { hint: "add --out DIR, or select one cloud with --check/--finding" },
          );
        }
        ctx.io.stdout.write(result.files[0]!.content);
        return;
      }
      for (const f of result.files) {
        const path = join(opts.out, f.path);
        try {
          await writeFileAtomic(path, f.content, f.path.endsWith(".sh") ? 0o755 : 0o644);
        } catch (err) {
          throw new UserError(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
            hint: "check the --out path and permissions",
            exitCode: 1,
          });
        }
      }
      ctx.io.stderr.write(
        `blindspot: wrote ${result.files.map((f) => f.path).join(", ")} to ${opts.out} (closes ${result.closes.length} finding(s), skipped ${result.skipped.length})\n`,
      );
    });
}
