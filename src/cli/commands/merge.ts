import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { notAvailableYet } from "./not-yet.js";

/** `blindspot merge`: combine shard snapshots (lands with the scale work). */
export function registerMerge(program: Command, _ctx: CommandContext): void {
  program
    .command("merge")
    .description("combine shard snapshots (`scan --shard K/N`) into one")
    .argument("<snapshots...>", "shard snapshots")
    .requiredOption("--out <file>", "merged snapshot")
    .action(() => notAvailableYet("merge"));
}
