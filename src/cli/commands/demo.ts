import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { notAvailableYet } from "./not-yet.js";

/** `blindspot demo`: simulator + TUI (lands with the TUI work). */
export function registerDemo(program: Command, _ctx: CommandContext): void {
  program
    .command("demo")
    .description("start the built-in simulator with the demo estate and open the TUI against it")
    .action(() => notAvailableYet("demo", "run `blindspot sim --scenario demo` to start the simulator alone"));
}
