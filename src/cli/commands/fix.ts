import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { oneOf, parseList } from "../options.js";
import { notAvailableYet } from "./not-yet.js";

/** `blindspot fix`: fix scripts for failing findings (lands with the remediation work). */
export function registerFix(program: Command, ctx: CommandContext): void {
  program
    .command("fix")
    .description("generate fix scripts (bash with aws/az CLI, or Terraform) for failing findings")
    .requiredOption("--from <file>", "snapshot written by `blindspot scan`")
    .option("--finding <ids>", "only these finding ids (comma-separated)", parseList)
    .option("--check <ids>", "only findings of these check ids", parseList)
    .option("--format <format>", "bash|terraform", oneOf(["bash", "terraform"] as const), "bash")
    .option("--out <dir>", "write the scripts into DIR")
    .action(async () => {
      await ctx.config();
      notAvailableYet("fix");
    });
}
