import { type Command, InvalidArgumentError } from "commander";
import type { Config, ConfigKey } from "../config/schema.js";
import { SEVERITIES, type Severity } from "../model/common.js";

/** `a,b , c` → ["a","b","c"]; empty items are an error. */
export function parseList(value: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === ""))
    throw new InvalidArgumentError("expected a comma-separated list without empty items");
  return items;
}

/** A whole number within [min, max]. */
export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** One of the severities. */
export function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(", ")}`);
  }
  return value as Severity;
}

/** One of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
    return value as T;
  };
}

/** `K/N` with 1 <= K <= N. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count)
    throw new InvalidArgumentError("expected K/N with 1 <= K <= N, e.g. 2/8");
  return { index, count };
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The value of an option: the command line wins, then the config file, then the flag's default.
 * `key` is the config key, which is the long flag name.
 */
export function pick<K extends ConfigKey>(cmd: Command, config: Config, key: K): Config[K] | undefined {
  const name = camel(key);
  const source = cmd.getOptionValueSource(name);
  if (source === "cli" || source === "env") return cmd.getOptionValue(name) as Config[K];
  if (config[key] !== undefined) return config[key];
  return cmd.getOptionValue(name) as Config[K] | undefined;
}
