import type { Analysis } from "../../analyzers/index.js";
import type { Finding } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { type FixResult, generateFixes } from "../../src/remediate/index.js";
import type { Layout } from "../layout.js";
import type { FixFormat } from "../state/fix-reducer.js";

/** One line of the script pane: a file heading or a line of a file. */
export interface ScriptLine {
  readonly kind: "file" | "code";
  /** Position in the pane (a stable React key). */
  readonly n: number;
  readonly text: string;
}

/** Skipped findings with the same reason, shown as one line. */
export interface SkippedGroup {
  readonly reason: string;
  /** Distinct checks of the group, in first-seen order. */
  readonly checkIds: readonly string[];
  readonly findingIds: readonly string[];
}

/** Groups skipped findings by reason; reasons about a finding's status (pass, muted, unknown) come last. Pure. */
export function groupSkipped(result: FixResult, analysis: Analysis): SkippedGroup[] {
  const checkOf = new Map(analysis.findings.map((f) => [f.id, f.checkId]));
  const groups = new Map<string, { reason: string; checkIds: string[]; findingIds: string[] }>();
  for (const s of result.skipped) {
    const checkId = checkOf.get(s.findingId) ?? "";
    const g = groups.get(s.reason) ?? { reason: s.reason, checkIds: [], findingIds: [] };
    if (!g.checkIds.includes(checkId)) g.checkIds.push(checkId);
    g.findingIds.push(s.findingId);
    groups.set(s.reason, g);
  }
  const isStatus = (g: SkippedGroup) => g.reason.startsWith("status is ");
  return [...groups.values()].sort((a, b) => Number(isStatus(a)) - Number(isStatus(b)));
}

/** What the fix preview shows for a selection and format: the generated files, or why there are none. */
export type FixPreview =
  | {
      readonly kind: "ok";
      readonly result: FixResult;
      readonly skipped: readonly SkippedGroup[];
      /** Every file's content, each under a heading line, for the scrollable pane. */
      readonly lines: readonly ScriptLine[];
    }
  | { readonly kind: "error"; readonly message: string };

/** Runs the remediation generators for the selected finding ids. Pure; a throw becomes a one-line error. */
export function buildFixPreview(
  snapshot: Snapshot,
  analysis: Analysis,
  findingIds: readonly string[],
  format: FixFormat,
): FixPreview {
  try {
    const result = generateFixes({ snapshot, analysis, findingIds, format });
    const lines: ScriptLine[] = [];
    for (const f of result.files) {
      const body = f.content.replace(/\n$/, "").split("\n");
      lines.push({ kind: "file", n: lines.length, text: `── ${f.path} (${body.length} lines) ──` });
      for (const text of body) lines.push({ kind: "code", n: lines.length, text: text.replace(/\t/g, "  ") });
    }
    return { kind: "ok", result, skipped: groupSkipped(result, analysis), lines };
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "unknown error";
    return { kind: "error", message };
  }
}

/** A memo of previews per selection and format (toggling bash/Terraform back and forth does not regenerate). */
export function createFixPreviewCache(snapshot: Snapshot, analysis: Analysis, max = 16) {
  const cache = new Map<string, FixPreview>();
  return (findings: readonly Finding[], format: FixFormat): FixPreview => {
    const ids = findings.map((f) => f.id);
    const key = `${format}|${ids.join(",")}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const preview = buildFixPreview(snapshot, analysis, ids, format);
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(key, preview);
    return preview;
  };
}

/** Skipped groups listed before "+N more". */
export const SKIPPED_SHOWN = 3;

/** Rows of the scrollable script pane: the body minus title, closes, skipped, position and footer lines. */
export function fixScriptRows(layout: Layout, preview: FixPreview | undefined): number {
  const skipped = preview?.kind === "ok" ? preview.skipped.length : 0;
  const skippedRows = Math.min(skipped, SKIPPED_SHOWN) + (skipped > SKIPPED_SHOWN ? 1 : 0);
  return Math.max(1, layout.bodyRows - 4 - skippedRows);
}
