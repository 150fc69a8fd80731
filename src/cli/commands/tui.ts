import { basename } from "node:path";
import { Command } from "commander";
import { analyze } from "../../../analyzers/index.js";
import { colorAllowed } from "../../../views/theme.js";
import { UserError } from "../../errors.js";
import type { Cloud } from "../../model/common.js";
import type { runScan, ScanOptions } from "../../scan/index.js";
import { readSnapshot } from "../../snapshot/io.js";
import type { CommandContext } from "../context.js";
import { addScanOptions, resolveScanOptions } from "./scan.js";

/**
 * Loads the TUI (Ink and React) on demand, with React's production build: the development build is several times
 * slower per keypress, and commands that never draw do not pay for loading it.
 */
async function loadViews(): Promise<typeof import("../../../views/index.js")> {
  process.env.NODE_ENV ??= "production";
  return import("../../../views/index.js");
}

/** The one-line refusal on a non-terminal, with what to run instead. */
function needsTerminal(what: string, instead: string): UserError {
  return new UserError(`${what} is interactive and needs a terminal (stdin and stdout must be a TTY)`, {
    hint: `run ${instead}`,
  });
}

/** `blindspot tui --from FILE`: explore a saved snapshot. */
export function registerTui(program: Command, ctx: CommandContext): void {
  program
    .command("tui")
    .description("explore a saved snapshot in the interactive terminal UI")
    .requiredOption("--from <file>", "snapshot written by `blindspot scan`")
    .action(async (opts: { from: string }) => {
      if (!ctx.io.isTTY) {
        throw needsTerminal(
          "blindspot tui",
          `\`blindspot report --from ${opts.from} --format json\` (or \`blindspot scan --json\`) for machine-readable output`,
        );
      }
      const { config } = await ctx.config();
      const snapshot = await readSnapshot(opts.from);
      const analysis = analyze(snapshot, {
        retentionDays: snapshot.options.retentionDays,
        suppressions: config.suppressions ?? [],
      });
      const { runExplorerTui } = await loadViews();
      await runExplorerTui(
        { isColor: colorAllowed(ctx.io.env, ctx.colorFlag()), cwd: ctx.io.cwd, signal: ctx.io.signal },
        { snapshot, analysis, source: `file ${basename(opts.from)}` },
      );
    });
}

/** Scan options from the config file and the defaults (both clouds), as `blindspot scan` with no flags would use. */
export async function defaultScanOptions(ctx: CommandContext): Promise<ScanOptions> {
  const { config } = await ctx.config();
  const cmd = addScanOptions(new Command("scan")).exitOverride();
  cmd.parse([], { from: "user" });
  return resolveScanOptions(cmd, config);
}

/** What a live TUI session scans with. */
export interface LiveScanSource {
  options: ScanOptions;
  /** Environment for the SDK credential chains (ambient, or the simulator's). */
  env: NodeJS.ProcessEnv;
  /** Header label. */
  label: string;
  /** Prefix for a refusal when the scanner fails at once (`demo`, `the interactive scan`). */
  what: string;
}

/**
 * Scans behind the scan screen, then opens the explorer (ctrl-r rescans). A scanner that fails at once (for example
 * "not available yet") is reported as one line before anything is drawn. Used by `demo` and the bare command.
 */
export async function runLiveScanTui(ctx: CommandContext, source: LiveScanSource): Promise<void> {
  if (!ctx.io.isTTY)
    throw needsTerminal(`blindspot ${source.what}`, "`blindspot scan --json` for machine-readable output");
  const { config } = await ctx.config();
  const { options } = source;
  // loaded on use: the scanner pulls in every SDK client
  const { runScan: scanWith } = await import("../../scan/index.js");
  const scan = (signal: AbortSignal, emit: Parameters<typeof runScan>[1]["emit"]) =>
    scanWith(options, { env: source.env, signal, emit });
  const { earlyFailure, runLiveTui, startScanRun } = await loadViews();
  const run = startScanRun(scan);
  const early = await earlyFailure(run.promise);
  if (early !== undefined) {
    if (early instanceof UserError) {
      throw new UserError(`${source.what}: ${early.message}`, { hint: early.hint, exitCode: early.exitCode });
    }
    throw early;
  }
  const clouds: Cloud[] = [...(options.aws ? (["aws"] as const) : []), ...(options.azure ? (["azure"] as const) : [])];
  await runLiveTui(
    { isColor: colorAllowed(ctx.io.env, ctx.colorFlag()), cwd: ctx.io.cwd, signal: ctx.io.signal },
    {
      scan,
      initialRun: run,
      clouds,
      source: source.label,
      analyze: (snapshot) =>
        analyze(snapshot, { retentionDays: options.retentionDays, suppressions: config.suppressions ?? [] }),
    },
  );
}

/**
 * Bare `blindspot` on a terminal: scan with the ambient credentials (options from the config file and defaults) and
 * open the TUI. `main.ts`'s root action calls this.
 */
export async function openAmbientScanTui(ctx: CommandContext): Promise<void> {
  if (!ctx.io.isTTY) {
    throw new UserError("blindspot without a command opens the interactive UI and needs a terminal", {
      hint: "run `blindspot scan --json` for machine-readable output",
    });
  }
  const options = await defaultScanOptions(ctx);
  await runLiveScanTui(ctx, { options, env: ctx.io.env, label: "ambient credentials", what: "the interactive scan" });
}
