import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The package version, read once from package.json (works from src/ under vitest and from dist/). */
export function toolVersion(): string {
  if (cached) return cached;
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "blindspot" && pkg.version) {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}
