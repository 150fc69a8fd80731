// PLACEHOLDER owned by the simulator work: `blindspot sim`.
import type { Command } from "commander";
import { UserError } from "../../errors.js";
import type { CliIO } from "../io.js";

/** Registers `blindspot sim`; the action resolves to the process exit code. */
export function registerSim(program: Command, _io: CliIO, setExit: (code: number) => void): void {
  program
    .command("sim")
    .description("run the built-in AWS/Azure simulator and print the environment that points tooling at it")
    .action(() => {
      setExit(2);
      throw new UserError("blindspot sim is not available yet");
    });
}
