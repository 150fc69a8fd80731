import { Command, CommanderError } from "commander";
import { UserError } from "../errors.js";
import { toolVersion } from "../version.js";
import { registerChecks } from "./commands/checks.js";
import { registerDemo } from "./commands/demo.js";
import { registerDiff } from "./commands/diff.js";
import { registerFix } from "./commands/fix.js";
import { registerMerge } from "./commands/merge.js";
import { registerReport } from "./commands/report.js";
import { registerScan } from "./commands/scan.js";
import { registerSim } from "./commands/sim.js";
import { openAmbientScanTui, registerTui } from "./commands/tui.js";
import { CommandContext } from "./context.js";
import { type CliIO, processIO } from "./io.js";

const EXIT_CODES_HELP = `
Exit codes:
  0  success (no failing finding at or above --fail-on)
  1  runtime error (cloud or file system failure, or a bug)
  2  usage or input error (bad flag, config, snapshot, or command not available yet)
  3  findings at or above --fail-on

Environment:
  NO_COLOR                  disable colour
  AWS_PROFILE, AWS_REGION   standard AWS SDK credential chain and region
  AWS_ENDPOINT_URL          send AWS calls to an emulator or the built-in simulator
  BLINDSPOT_AZURE_ENDPOINT  send Azure calls to the built-in simulator

Docs: README.md (commands, permissions, configuration, architecture).`;

/** Builds the command tree. Actions record their exit code in `ctx`. */
export function buildProgram(io: CliIO): { program: Command; ctx: CommandContext } {
  const program = new Command("blindspot");
  const ctx = new CommandContext(io, program);
  program
    .description("Find audit-log gaps across AWS and Azure before a SOC 2 Type II auditor does.")
    .version(toolVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--config <file>", "config file (default: blindspot.config.yaml|yml|json in the working folder)")
    .option("--no-color", "disable colour (also NO_COLOR)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`blindspot: ${s.replace(/^error: /, "").trimEnd()} (see --help)\n`),
    })
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (_opts: unknown, cmd: Command) => {
      if (cmd.args.length > 0) {
        throw new UserError(`unknown command '${cmd.args[0]}'`, { hint: "run `blindspot --help` for the commands" });
      }
      await openAmbientScanTui(ctx);
    });
  program.allowExcessArguments(true);
  registerScan(program, ctx);
  registerReport(program, ctx);
  registerFix(program, ctx);
  registerTui(program, ctx);
  registerDemo(program, ctx);
  registerDiff(program, ctx);
  registerMerge(program, ctx);
  registerSim(program, io, (code) => ctx.setExit(code));
  registerChecks(program, ctx);
  return { program, ctx };
}

/** Runs the CLI and resolves to the process exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const { program, ctx } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") {
        return 0;
      }
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`blindspot: ${err.message}${err.hint ? `; ${err.hint}` : ""}\n`);
      return err.exitCode;
    }
    io.stderr.write(
      `blindspot: internal error (a bug, please report it with this trace):\n${(err as Error).stack ?? String(err)}\n`,
    );
    return 1;
  }
}

/** Entry for bin/blindspot.js. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await runCli(process.argv.slice(2), processIO(controller.signal));
  process.exitCode = code;
}
