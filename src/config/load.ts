import { readFile } from "node:fs/promises";
import { basename, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { CONFIG_KEYS, type Config, ConfigSchema } from "./schema.js";

export const CONFIG_FILE_NAMES = ["blindspot.config.yaml", "blindspot.config.yml", "blindspot.config.json"] as const;

export interface LoadedConfig {
  /** Absolute path of the file read, undefined when none was found. */
  path: string | undefined;
  config: Config;
}

/**
 * Finds and validates the config: `explicitPath` (must exist) or the first of CONFIG_FILE_NAMES in `cwd`.
 * Every problem is a one-line UserError naming the file, the key and the fix.
 */
export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  const candidates = explicitPath
    ? [isAbsolute(explicitPath) ? explicitPath : resolve(cwd, explicitPath)]
    : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n));
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!explicitPath && code === "ENOENT") continue;
      throw new UserError(`config file ${explicitPath ?? path} cannot be read (${code ?? "error"})`, {
        hint: "check the --config path",
      });
    }
    return { path, config: parseConfig(text, path) };
  }
  return { path: undefined, config: {} };
}

/** Parses and validates config text; `path` decides YAML vs JSON and names the file in errors. */
export function parseConfig(text: string, path: string): Config {
  const name = basename(path);
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const detail = (err as Error).message.split("\n")[0];
    throw new UserError(`${name} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${detail}`, {
      hint: "fix the syntax",
    });
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${name} must be a mapping of option names to values`, { hint: "see README, Configuration" });
  }
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new UserError(`${name}: ${describeIssue(result.error.issues[0]!)}`, {
    hint: "keys are the long flag names, see README, Configuration",
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where =
    issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "") || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const guess = suggestKey(key, issue.path.length === 0 ? CONFIG_KEYS : []);
    const at = issue.path.length ? ` in ${where}` : "";
    return `unknown key "${key}"${at}${guess ? ` (did you mean "${guess}"?)` : ""}`;
  }
  if (issue.code === "invalid_type") {
    return `${where} must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  }
  return `${where}: ${issue.message}`;
}

function suggestKey(key: string, keys: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");
  return keys.find((k) => norm(k) === norm(key));
}
