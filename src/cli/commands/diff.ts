import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { oneOf } from "../options.js";
import { notAvailableYet } from "./not-yet.js";

/** `blindspot diff`: findings opened/closed between two snapshots (lands with the reports work). */
export function registerDiff(program: Command, _ctx: CommandContext): void {
  program
    .command("diff")
    .description("findings opened, closed and unchanged between two snapshots")
    .argument("<old>", "older snapshot")
    .argument("<new>", "newer snapshot")
    .option("--format <format>", "md|json", oneOf(["md", "json"] as const), "md")
    .action(() => notAvailableYet("diff"));
}
