import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Analysis } from "../../analyzers/index.js";
import { UserError } from "../errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { toolVersion } from "../version.js";
import { csvField } from "./csv.js";
import { REPORT_FILE_NAMES, REPORT_MEDIA_TYPES, SINGLE_FILE_FORMATS } from "./formats.js";
import { buildReportModel, type ControlResult, cmp, percent } from "./model.js";
import { renderReport } from "./render.js";

export const EVIDENCE_FORMAT = "blindspot-evidence";

export interface EvidenceFile {
  path: string;
  format: string;
  mediaType: string;
  bytes: number;
  sha256: string;
}

/** `manifest.json` of an evidence pack. Deterministic: no generation time, only the scan's own times. */
export interface EvidenceManifest {
  format: typeof EVIDENCE_FORMAT;
  formatVersion: 1;
  /** The blindspot that wrote the pack. */
  tool: { name: "blindspot"; version: string };
  scan: {
    tool: { name: string; version: string };
    startedAt: string;
    finishedAt: string;
    complete: boolean;
    window: { start: string; end: string };
    clouds: string[];
    retentionDays: number;
    sampleDays: number;
    sample: boolean;
  };
  summary: {
    coverage: string;
    coverageRatio: number | null;
    blindSpotRatio: number | null;
    sampledEvents: number;
    missingEvents: number;
    findings: { fail: number; unknown: number; muted: number; pass: number };
    failingBySeverity: Record<string, number>;
    cells: Record<string, number>;
  };
  controls: {
    control: string;
    result: ControlResult;
    fail: number;
    unknown: number;
    muted: number;
    pass: number;
    checks: string[];
  }[];
  /** Every file of the pack except manifest.json and SHA256SUMS, sorted by path. */
  files: EvidenceFile[];
}

function sha256(data: string): string {
  return createHash("sha256").update(data, "utf8").digest("hex");
}

/** Renders every file of the pack in memory: path -> contents. */
export function renderEvidenceFiles(
  snapshot: Snapshot,
  analysis: Analysis,
): { files: Map<string, string>; manifest: EvidenceManifest } {
  const model = buildReportModel(snapshot, analysis);
  const files = new Map<string, string>();
  const entries: EvidenceFile[] = [];
  const add = (path: string, format: string, mediaType: string, body: string) => {
    files.set(path, body);
    entries.push({ path, format, mediaType, bytes: Buffer.byteLength(body, "utf8"), sha256: sha256(body) });
  };
  add("snapshot.json", "snapshot", "application/json", `${JSON.stringify(snapshot, null, 2)}\n`);
  for (const format of SINGLE_FILE_FORMATS) {
    add(REPORT_FILE_NAMES[format], format, REPORT_MEDIA_TYPES[format], renderReport(format, snapshot, analysis));
  }
  const controlLines = ["control,result,fail,unknown,muted,pass,checks"];
  for (const c of model.controls) {
    controlLines.push(
      [c.control, c.result, c.counts.fail, c.counts.unknown, c.counts.muted, c.counts.pass, c.checks.join("; ")]
        .map((v) => csvField(String(v)))
        .join(","),
    );
  }
  add("controls.csv", "controls", REPORT_MEDIA_TYPES.csv, `${controlLines.join("\r\n")}\r\n`);
  entries.sort((a, b) => cmp(a.path, b.path));

  const { summary } = model;
  const manifest: EvidenceManifest = {
    format: EVIDENCE_FORMAT,
    formatVersion: 1,
    tool: { name: "blindspot", version: toolVersion() },
    scan: {
      tool: snapshot.tool,
      startedAt: snapshot.startedAt,
      finishedAt: snapshot.finishedAt,
      complete: snapshot.complete,
      window: model.window,
      clouds: [...snapshot.options.clouds],
      retentionDays: snapshot.options.retentionDays,
      sampleDays: snapshot.options.sampleDays,
      sample: snapshot.options.sample,
    },
    summary: {
      coverage: percent(summary.coverageRatio),
      coverageRatio: summary.coverageRatio,
      blindSpotRatio: model.blindSpots.ratio === null ? null : Math.round(model.blindSpots.ratio * 10_000) / 10_000,
      sampledEvents: model.blindSpots.sampled,
      missingEvents: model.blindSpots.missing,
      findings: summary.findings,
      failingBySeverity: summary.failingBySeverity,
      cells: summary.cells,
    },
    controls: model.controls.map((c) => ({ control: c.control, result: c.result, ...c.counts, checks: c.checks })),
    files: entries,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  files.set("manifest.json", manifestText);
  const sums = [
    ...entries.map((e) => ({ path: e.path, sha256: e.sha256 })),
    { path: "manifest.json", sha256: sha256(manifestText) },
  ]
    .sort((a, b) => cmp(a.path, b.path))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join("");
  files.set("SHA256SUMS", sums);
  return { files, manifest };
}

async function isEvidencePack(dir: string): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as { format?: unknown };
    return m.format === EVIDENCE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Writes the evidence pack to `dir` atomically: everything goes to a staging folder next to it, which then replaces
 * `dir` by rename. An existing previous pack is replaced; any other non-empty folder is refused (UserError), so a
 * wrong `--out` never deletes someone's files. On error nothing at `dir` changes.
 */
export async function writeEvidencePack(
  dir: string,
  snapshot: Snapshot,
  analysis: Analysis,
): Promise<EvidenceManifest> {
  const target = resolve(dir);
  const { files, manifest } = renderEvidenceFiles(snapshot, analysis);
  let existing: "none" | "replace" = "none";
  try {
    const st = await stat(target);
    if (!st.isDirectory()) {
      throw new UserError(`${dir} exists and is not a folder`, {
        hint: "--format evidence writes a folder; pick a new path",
      });
    }
    const entries = await readdir(target);
    if (entries.length > 0 && !(await isEvidencePack(target))) {
      throw new UserError(`${dir} is not empty and is not a blindspot evidence pack`, {
        hint: "pick an empty or new folder for --out (an older evidence pack there is replaced)",
      });
    }
    existing = "replace";
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = randomBytes(6).toString("hex");
  const staging = join(parent, `.${basename(target)}.${tag}.tmp`);
  const old = join(parent, `.${basename(target)}.${tag}.old`);
  try {
    await mkdir(staging);
    for (const [name, body] of [...files.entries()].sort(([a], [b]) => cmp(a, b))) {
      await writeFile(join(staging, name), body);
    }
    if (existing === "replace") {
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (err) {
        await rename(old, target);
        throw err;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return manifest;
}
