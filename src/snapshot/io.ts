import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot, SnapshotSchema } from "../model/snapshot.js";

/**
 * Validates parsed JSON as a snapshot. Accepts a bare snapshot or a blindspot JSON report (which embeds one under
 * `snapshot`). Throws a one-line UserError naming the first problem.
 */
export function parseSnapshot(raw: unknown, name = "input"): Snapshot {
  let candidate = raw;
  if (isObject(candidate) && candidate.format === "blindspot-report" && isObject(candidate.snapshot)) {
    candidate = candidate.snapshot;
  }
  if (!isObject(candidate) || !("schemaVersion" in candidate) || !isObject(candidate.tool)) {
    throw new UserError(`${name} is not a blindspot snapshot (no schemaVersion/tool)`, {
      hint: "pass a file written by `blindspot scan --out FILE` or `blindspot report --format json`",
    });
  }
  if (candidate.tool.name !== "blindspot") {
    throw new UserError(`${name} was written by ${String(candidate.tool.name)}, not blindspot`, {
      hint: "pass a file written by `blindspot scan --out FILE`",
    });
  }
  if (candidate.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    const v = String(candidate.schemaVersion);
    const newer = typeof candidate.schemaVersion === "number" && candidate.schemaVersion > SNAPSHOT_SCHEMA_VERSION;
    throw new UserError(
      `${name} has snapshot schema version ${v}; this blindspot reads version ${SNAPSHOT_SCHEMA_VERSION}`,
      { hint: newer ? "upgrade blindspot" : "rescan with this version of blindspot" },
    );
  }
  const result = SnapshotSchema.safeParse(candidate);
  if (!result.success) {
    throw new UserError(`${name} is not a valid snapshot: ${describe(result.error.issues[0]!)}`, {
      hint: "the file was edited or truncated; rescan or restore it",
    });
  }
  return result.data;
}

/** Reads and validates a snapshot (or JSON report) file. */
export async function readSnapshot(path: string): Promise<Snapshot> {
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read snapshot ${path} (${code === "ENOENT" ? "no such file" : (code ?? "error")})`, {
      hint: "check the --from path",
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${name} is not JSON: ${(err as Error).message}`, {
      hint: "pass a snapshot written by `blindspot scan --out FILE`",
    });
  }
  return parseSnapshot(raw, name);
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
  return `${where || "(top level)"}: ${issue.message}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
