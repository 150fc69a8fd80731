import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { oneOf, parseList } from "../options.js";
import { notAvailableYet } from "./not-yet.js";

/** Commands whose capability lands in a later release: full flags and help now, a one-line refusal (exit 2). */
export function registerLaterCommands(program: Command, ctx: CommandContext): void {
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

  program
    .command("tui")
    .description("explore a saved snapshot in the interactive terminal UI")
    .requiredOption("--from <file>", "snapshot written by `blindspot scan`")
    .action(() => notAvailableYet("tui", "use `blindspot report --from FILE --format json`"));

  program
    .command("demo")
    .description("start the built-in simulator with the demo estate and open the TUI against it")
    .action(() => notAvailableYet("demo", "run `blindspot sim --scenario demo` to start the simulator alone"));

  program
    .command("diff")
    .description("findings opened, closed and unchanged between two snapshots")
    .argument("<old>", "older snapshot")
    .argument("<new>", "newer snapshot")
    .option("--format <format>", "md|json", oneOf(["md", "json"] as const), "md")
    .action(() => notAvailableYet("diff"));

  program
    .command("merge")
    .description("combine shard snapshots (`scan --shard K/N`) into one")
    .argument("<snapshots...>", "shard snapshots")
    .requiredOption("--out <file>", "merged snapshot")
    .action(() => notAvailableYet("merge"));
}
