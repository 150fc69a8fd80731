import type { Command } from "commander";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import type { CliIO } from "./io.js";

/** Shared by every command: the IO, the exit code the action sets, and the config (loaded on first use). */
export class CommandContext {
  exitCode = 0;
  private loaded: Promise<LoadedConfig> | undefined;
  constructor(
    readonly io: CliIO,
    private readonly program: Command,
  ) {}

  setExit(code: number): void {
    this.exitCode = code;
  }

  /** The config file named by `--config`, or found in the working folder. */
  config(): Promise<LoadedConfig> {
    this.loaded ??= loadConfig(this.io.cwd, this.program.opts<{ config?: string }>().config);
    return this.loaded;
  }

  /** Colour allowed on stdout (`--no-color`, NO_COLOR, not a terminal). */
  colorFlag(): boolean | undefined {
    return this.program.opts<{ color?: boolean }>().color;
  }
}
