import type { Command } from "commander";
import { UserError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { defaultScanOptions, runLiveScanTui } from "./tui.js";

/** `blindspot demo`: the built-in simulator with the demo estate, scanned through the real SDK clients, in the TUI. */
export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command("demo")
    .description("start the built-in simulator with the demo estate and open the TUI against it")
    .action(async () => {
      if (!ctx.io.isTTY) {
        throw new UserError("blindspot demo is interactive and needs a terminal (stdin and stdout must be a TTY)", {
          hint: "run `blindspot sim --scenario demo` and `blindspot scan --json` against it for machine-readable output",
        });
      }
      const options = await defaultScanOptions(ctx);
      const { startSimulator } = await import("../../sim/index.js");
      const sim = await startSimulator({ scenario: "demo", port: 0 });
      try {
        await runLiveScanTui(ctx, {
          // Both clouds, whatever the config file says: the demo estate has both.
          // The demo estate is an AWS Organization: enter every member account like `scan --org`.
          options: { ...options, aws: true, azure: true, org: true },
          // Only the simulator's variables: ambient credentials must never reach the demo.
          env: { ...sim.env },
          label: `demo simulator ${sim.url}`,
          what: "demo",
        });
      } finally {
        await sim.close();
      }
    });
}
