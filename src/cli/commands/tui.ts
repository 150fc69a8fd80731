import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { notAvailableYet } from "./not-yet.js";

/** `blindspot tui`: explore a saved snapshot (lands with the TUI work). */
export function registerTui(program: Command, _ctx: CommandContext): void {
  program
    .command("tui")
    .description("explore a saved snapshot in the interactive terminal UI")
    .requiredOption("--from <file>", "snapshot written by `blindspot scan`")
    .action(() => notAvailableYet("tui", "use `blindspot report --from FILE --format json`"));
}
