import type { Command } from "commander";
import { CHECKS } from "../../model/checks.js";
import type { Cloud } from "../../model/common.js";
import type { CommandContext } from "../context.js";
import { oneOf } from "../options.js";
import { colorEnabled, pad, severityText } from "../output.js";

/** `blindspot checks`: the catalogue as a table or JSON. */
export function registerChecks(program: Command, ctx: CommandContext): void {
  program
    .command("checks")
    .description("list the check catalogue: id, severity, what it proves, control mapping")
    .option("--json", "print the catalogue as JSON")
    .option("--cloud <cloud>", "only checks of one cloud (aws|azure)", oneOf<Cloud>(["aws", "azure"]))
    .action((opts: { json?: boolean; cloud?: Cloud }) => {
      const checks = CHECKS.filter((c) => !opts.cloud || c.cloud === opts.cloud);
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
        return;
      }
      const color = colorEnabled(ctx.io, ctx.colorFlag());
      const idWidth = Math.max(...checks.map((c) => c.id.length)) + 2;
      const lines = [`${pad("ID", idWidth)}${pad("SEVERITY", 10)}PROVES`];
      for (const c of checks) {
        lines.push(`${pad(c.id, idWidth)}${pad(severityText(c.severity, color), 10)}${c.description}`);
        lines.push(`${" ".repeat(idWidth + 10)}controls: ${c.controls.join(", ")}`);
      }
      lines.push("", `${checks.length} checks. Ids are stable; use them in suppressions and --check.`);
      ctx.io.stdout.write(`${lines.join("\n")}\n`);
    });
}
