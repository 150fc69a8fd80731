import { styleText } from "node:util";
import type { Severity } from "../model/common.js";
import type { CliIO } from "./io.js";

/** True when colour may be used on stdout: a terminal, NO_COLOR unset, --no-color not given. */
export function colorEnabled(io: CliIO, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return Boolean((io.stdout as { isTTY?: boolean }).isTTY);
}

const SEVERITY_STYLE: Record<Severity, Parameters<typeof styleText>[0]> = {
  critical: ["bold", "red"],
  high: "red",
  medium: "yellow",
  low: "cyan",
  info: "gray",
};

/** A severity word, coloured when `color` is true. */
export function severityText(severity: Severity, color: boolean): string {
  return color ? styleText(SEVERITY_STYLE[severity], severity, { validateStream: false }) : severity;
}

/** Pads to `width` visible characters (ANSI escapes do not count). */
export function pad(text: string, width: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes to measure visible width
  const visible = text.replace(/\u001b\[[0-9;]*m/g, "").length;
  return visible >= width ? text : text + " ".repeat(width - visible);
}
