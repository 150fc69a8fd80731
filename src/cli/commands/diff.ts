import type { Command } from "commander";
import { analyze } from "../../../analyzers/index.js";
import { diffSnapshots, renderDiffJson, renderDiffMarkdown } from "../../diff/index.js";
import { UserError } from "../../errors.js";
import { readSnapshot } from "../../snapshot/io.js";
import { writeFileAtomic } from "../../util/fs.js";
import type { CommandContext } from "../context.js";
import { intIn, oneOf } from "../options.js";

/** `blindspot diff OLD NEW`: findings opened, closed, changed and unchanged between two snapshots. */
export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command("diff")
    .description("findings opened, closed, changed and unchanged between two snapshots, with coverage then and now")
    .argument("<old>", "older snapshot (or JSON report)")
    .argument("<new>", "newer snapshot (or JSON report)")
    .option("--format <format>", "md|json", oneOf(["md", "json"] as const), "md")
    .option("--out <file>", "write to FILE atomically instead of standard output")
    .option(
      "--retention-days <days>",
      "retention threshold to judge both scans against (default: each scan's)",
      intIn(1, 3653),
    )
    .action(
      async (
        oldPath: string,
        newPath: string,
        opts: { format: "md" | "json"; out?: string; retentionDays?: number },
      ) => {
        const { config } = await ctx.config();
        const before = await readSnapshot(oldPath);
        const after = await readSnapshot(newPath);
        const suppressions = config.suppressions ?? [];
        const diff = diffSnapshots(
          before,
          analyze(before, { retentionDays: opts.retentionDays ?? before.options.retentionDays, suppressions }),
          after,
          analyze(after, { retentionDays: opts.retentionDays ?? after.options.retentionDays, suppressions }),
        );
        const body = opts.format === "json" ? renderDiffJson(diff) : renderDiffMarkdown(diff);
        if (opts.out) {
          try {
            await writeFileAtomic(opts.out, body);
          } catch (err) {
            throw new UserError(`cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
              hint: "check the --out path and permissions",
              exitCode: 1,
            });
          }
        } else {
          ctx.io.stdout.write(body);
        }
      },
    );
}
