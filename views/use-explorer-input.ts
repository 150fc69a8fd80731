import { type Key, useInput } from "ink";
import type { Dispatch, SetStateAction } from "react";
import type { Finding } from "../src/model/finding.js";
import { scopeKey } from "../src/model/scope.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { blindSpotListRows } from "./blindspots/blindspots-view.js";
import { helpLines } from "./components/chrome.js";
import type { Derived, ScopeFilter } from "./data/derive.js";
import type { Exporter } from "./export/exporter.js";
import { defaultExportPath } from "./export/exporter.js";
import type { FixPreview } from "./fix/fix-preview.js";
import { fixScriptRows } from "./fix/fix-preview.js";
import { type FixWriter, fixTargets } from "./fix/fix-writer.js";
import {
  CATEGORY_TITLE,
  type CommandId,
  commands,
  keyLabel,
  keyMatches,
  resolveCommand,
  VIEWS,
  type ViewId,
} from "./keymap.js";
import type { Layout } from "./layout.js";
import type { OverviewGeometry } from "./overview/geometry.js";
import { cellScopeFilter, overviewTarget } from "./overview/select.js";
import type { AppAction, AppState } from "./state/app-reducer.js";
import { parseCommandLine } from "./state/command-line.js";
import type { ExportAction, ExportState } from "./state/export-reducer.js";
import { type FindingsAction, type FindingsState, hasActiveFilter } from "./state/findings-reducer.js";
import type { FixAction, FixState } from "./state/fix-reducer.js";
import { clampList, type ListCursor, type ListMove, moveList } from "./state/list.js";
import type { OverviewAction, OverviewState } from "./state/overview-reducer.js";

/** Everything the explorer's key handler reads and dispatches to. */
export interface ExplorerInput {
  app: AppState;
  dispatchApp: Dispatch<AppAction>;
  overview: OverviewState;
  dispatchOverview: Dispatch<OverviewAction>;
  findings: FindingsState;
  dispatchFindings: Dispatch<FindingsAction>;
  blindspots: ListCursor;
  setBlindspots: Dispatch<SetStateAction<ListCursor>>;
  fix: FixState;
  dispatchFix: Dispatch<FixAction>;
  /** The generators' output for the fix selection (only computed while the fix preview is open). */
  fixPreview: FixPreview | undefined;
  fixWriter: FixWriter;
  setHelpOffset: Dispatch<SetStateAction<number>>;
  exportState: ExportState;
  dispatchExport: Dispatch<ExportAction>;
  derived: Derived;
  geometry: OverviewGeometry;
  layout: Layout;
  filtered: readonly Finding[];
  exporter: Exporter;
  snapshot: Snapshot;
  resolvePath: (path: string) => string;
  onQuit: () => void;
  onRescan: (() => void) | undefined;
}

const NAV_MOVES: Partial<Record<CommandId, ListMove | "left" | "right">> = {
  up: "up",
  down: "down",
  left: "left",
  right: "right",
  top: "top",
  bottom: "bottom",
  pageUp: "pageUp",
  pageDown: "pageDown",
};

/** A key event with no flags, for replaying the characters of a chunk. */
const PLAIN_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Printable text typed into a line editor (filter, command line, path), or "" for control keys. */
function typed(input: string, key: Key): string {
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete) return "";
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: drop control characters from pasted text
  return input.replace(/[\u0000-\u001f\u007f]/g, "");
}

/** Keys of a yes/no confirmation layer: y runs `yes`, n or Esc runs `no`, anything else asks again. */
function confirmKeys(input: string, key: Key, on: { yes: () => void; no: () => void; ask: () => void }): void {
  if (input === "y" || input === "Y") on.yes();
  else if (input === "n" || input === "N" || key.escape) on.no();
  else on.ask();
}

/** Keys of a one-line text editor (path, folder): Esc cancels, Enter commits, backspace deletes, text is typed. */
function editorKeys(
  input: string,
  key: Key,
  on: { cancel: () => void; commit: () => void; backspace: () => void; input: (text: string) => void },
): void {
  const t = typed(input, key);
  if (key.escape) on.cancel();
  else if (key.return) on.commit();
  else if (key.backspace || key.delete) on.backspace();
  else if (t) on.input(t);
}

/** Which view a key belongs to when it is not live in the current one ("s works in Findings"). */
function elsewhere(input: string, key: Key, view: ViewId): string | undefined {
  for (const [, spec] of commands()) {
    if (spec.category === "global" || spec.category === "navigation" || spec.category === view) continue;
    if (spec.keys.some((k) => keyMatches(k, input, key))) {
      const n = VIEWS.indexOf(spec.category) + 1;
      return `${keyLabel(spec.keys[0]!)} (${spec.description.toLowerCase()}) works in ${CATEGORY_TITLE[spec.category]}: press ${n}`;
    }
  }
  return undefined;
}

/**
 * Maps keys to actions for the explorer. Layers are tried innermost first (command line, help, text editors,
 * confirmation), then the keymap registry resolves the key for the current view.
 */
export function useExplorerInput(c: ExplorerInput): void {
  const status = (text: string, level: "info" | "warn" | "error" = "info") =>
    c.dispatchApp({ type: "status", text, level });

  const drill = (scope: ScopeFilter) => {
    c.dispatchFindings({ type: "set-scope", scope });
    c.dispatchApp({ type: "go", view: "findings" });
  };

  const rescan = () => {
    if (c.onRescan) c.onRescan();
    else
      status(
        "rescan needs a live source: this snapshot was opened from a file (run `blindspot` or `blindspot demo`)",
        "warn",
      );
  };

  const startWrite = async (confirmed: boolean) => {
    const format = c.exporter.formats[c.exportState.formatIndex];
    if (!format) return status("no export format available", "error");
    const path = c.resolvePath(c.exportState.path.trim());
    if (c.exportState.path.trim() === "") return status("the export path is empty: press e to type one", "warn");
    if (!confirmed && (await c.exporter.exists(path))) {
      c.dispatchExport({ type: "ask-overwrite", path });
      return;
    }
    c.dispatchExport({ type: "writing" });
    try {
      const body = await c.exporter.render(format);
      await c.exporter.write(path, body);
      status(`Wrote ${format} report to ${path} (${Buffer.byteLength(body)} bytes)`);
    } catch (err) {
      status(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "error");
    } finally {
      c.dispatchExport({ type: "written" });
    }
  };

  const startFixWrite = async (confirmed: boolean) => {
    const preview = c.fixPreview;
    if (!preview) return status("no finding selected or marked: select or mark findings in the findings view", "warn");
    if (preview.kind === "error") return status(`nothing to write: ${preview.message}`, "error");
    const { files, closes, skipped } = preview.result;
    if (files.length === 0) return status("nothing to write: no selected finding has a configuration fix", "warn");
    if (c.fix.dir.trim() === "") return status("the folder is empty: type one", "warn");
    const dir = c.resolvePath(c.fix.dir.trim());
    const targets = fixTargets(dir, files);
    if (!confirmed) {
      const existing: string[] = [];
      for (const t of targets) if (await c.fixWriter.exists(t.path)) existing.push(t.path);
      if (existing.length > 0) return c.dispatchFix({ type: "ask-overwrite", paths: existing });
    }
    c.dispatchFix({ type: "writing" });
    let current = dir;
    try {
      for (const t of targets) {
        current = t.path;
        await c.fixWriter.write(t.path, t.content, t.mode);
      }
      status(
        `Wrote ${files.map((f) => f.path).join(", ")} to ${dir} (closes ${closes.length} finding(s), skipped ${skipped.length})`,
      );
    } catch (err) {
      status(`cannot write ${current}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "error");
    } finally {
      c.dispatchFix({ type: "written" });
    }
  };

  /** w (or Enter) in the fix preview: open the folder prompt, or say why there is nothing to write. */
  const openFixWrite = () => {
    const preview = c.fixPreview;
    if (!preview) return status("no finding selected or marked: select or mark findings in the findings view", "warn");
    if (preview.kind === "error") return status(`nothing to write: ${preview.message}`, "error");
    if (preview.result.files.length === 0) {
      return status("nothing to write: no selected finding has a configuration fix", "warn");
    }
    c.dispatchFix({ type: "edit-dir" });
  };

  const runCommandLine = (text: string) => {
    const cmd = parseCommandLine(text);
    switch (cmd.kind) {
      case "view":
        return c.dispatchApp({ type: "go", view: cmd.view });
      case "quit":
        return c.onQuit();
      case "help":
        return c.dispatchApp({ type: "toggle-help" });
      case "rescan":
        return rescan();
      case "clear":
        c.dispatchFindings({ type: "reset-filters" });
        c.dispatchFindings({ type: "set-scope", scope: undefined });
        return status("filters cleared");
      case "region": {
        if (!c.derived.heatmap.regions.includes(cmd.region)) {
          return status(`no region ${cmd.region} in this snapshot`, "error");
        }
        drill({ label: cmd.region, region: cmd.region });
        c.dispatchOverview({
          type: "goto-region",
          index: c.derived.heatmap.regions.indexOf(cmd.region),
          bounds: c.geometry,
        });
        return;
      }
      case "account": {
        if (!c.derived.heatmap.accounts.some((a) => a.accountId === cmd.accountId)) {
          return status(`no account ${cmd.accountId} in this snapshot`, "error");
        }
        return drill({ label: cmd.accountId, accountId: cmd.accountId });
      }
      case "subscription": {
        const match = c.derived.azure.find(
          (a) =>
            (a.cell.scope.cloud === "azure" &&
              a.cell.scope.subscriptionId?.toLowerCase() === cmd.subscriptionId.toLowerCase()) ||
            a.name.toLowerCase() === cmd.subscriptionId.toLowerCase(),
        );
        if (match?.cell.scope.cloud !== "azure" || !match.cell.scope.subscriptionId) {
          return status(`no subscription ${cmd.subscriptionId} in this snapshot`, "error");
        }
        return drill({ label: match.name, subscriptionId: match.cell.scope.subscriptionId });
      }
      case "severity":
        c.dispatchFindings({ type: "set-severity", severity: cmd.severity === "info" ? "all" : cmd.severity });
        return c.dispatchApp({ type: "go", view: "findings" });
      case "cloud":
        c.dispatchFindings({ type: "set-cloud", cloud: cmd.cloud });
        return c.dispatchApp({ type: "go", view: "findings" });
      case "status":
        c.dispatchFindings({ type: "set-status", status: cmd.status });
        return c.dispatchApp({ type: "go", view: "findings" });
      case "sort":
        c.dispatchFindings({ type: "set-sort", sort: cmd.sort });
        return c.dispatchApp({ type: "go", view: "findings" });
      case "filter":
        c.dispatchFindings({ type: "set-filter", text: cmd.text });
        return c.dispatchApp({ type: "go", view: "findings" });
      case "error":
        return status(cmd.message, "error");
    }
  };

  /** Esc: close the innermost layer of the current view, else go back. */
  const back = () => {
    if (c.app.view === "findings") {
      if (c.findings.isDetailOpen) return c.dispatchFindings({ type: "close-detail" });
      if (hasActiveFilter(c.findings.query)) return c.dispatchFindings({ type: "reset-filters" });
      if (c.findings.query.scope) {
        c.dispatchFindings({ type: "set-scope", scope: undefined });
        if (c.app.history.at(-1) === "overview") c.dispatchApp({ type: "back" });
        return;
      }
    }
    if (c.app.history.length > 0) return c.dispatchApp({ type: "back" });
    if (c.app.view !== "overview") return c.dispatchApp({ type: "go", view: "overview" });
    status("nothing to close: q quits", "info");
  };

  const select = () => {
    switch (c.app.view) {
      case "overview": {
        const t = overviewTarget(c.overview, c.derived);
        if (t.kind === "aws") {
          if (!t.cell) return status(`${t.region} is not listed for ${t.accountId}`, "warn");
          return drill(cellScopeFilter(t.cell, `${t.name ?? t.accountId} ${t.region}`));
        }
        if (t.kind === "azure") return drill(cellScopeFilter(t.cell, t.name));
        if (t.kind === "top") {
          const index = c.derived.rankedSamples.indexOf(t.row);
          c.setBlindspots((s) =>
            clampList({ ...s, cursor: index }, c.derived.rankedSamples.length, blindSpotListRows(c.layout)),
          );
          return c.dispatchApp({ type: "go", view: "blindspots" });
        }
        return;
      }
      case "findings":
        if (c.filtered[c.findings.list.cursor]) c.dispatchFindings({ type: "open-detail" });
        return;
      case "blindspots": {
        const row = c.derived.rankedSamples[c.blindspots.cursor];
        if (!row) return;
        return drill({ label: row.label, scopeKeys: new Set([scopeKey(row.scope)]) });
      }
      case "fix":
        return openFixWrite();
      case "export":
        void startWrite(false);
        return;
    }
  };

  const navigate = (move: ListMove | "left" | "right") => {
    switch (c.app.view) {
      case "overview":
        return c.dispatchOverview({ type: "move", move, bounds: c.geometry });
      case "findings":
        if (move === "left" || move === "right") return;
        return c.dispatchFindings({ type: "move", move, count: c.filtered.length, pageSize: c.layout.listRows });
      case "blindspots":
        if (move === "left" || move === "right") return;
        return c.setBlindspots((s) => moveList(s, move, c.derived.rankedSamples.length, blindSpotListRows(c.layout)));
      case "export":
        if (move === "up" || move === "down") {
          c.dispatchExport({
            type: "move",
            delta: move === "up" ? -1 : 1,
            formats: c.exporter.formats,
            defaultPath: (f) => defaultExportPath(f, c.snapshot.finishedAt),
          });
        }
        return;
      case "fix": {
        if (move === "left" || move === "right" || c.fixPreview?.kind !== "ok") return;
        const lines = c.fixPreview.lines.length;
        return c.dispatchFix({ type: "scroll", move, lines, pageSize: fixScriptRows(c.layout, c.fixPreview) });
      }
    }
  };

  const run = (id: CommandId) => {
    const move = NAV_MOVES[id];
    if (move) return navigate(move);
    const current = c.filtered[c.findings.list.cursor];
    switch (id) {
      case "quit":
      case "forceQuit":
        return c.onQuit();
      case "help":
        c.setHelpOffset(0);
        return c.dispatchApp({ type: "toggle-help" });
      case "commandLine":
        return c.dispatchApp({ type: "open-command" });
      case "back":
        return back();
      case "rescan":
        return rescan();
      case "nextView":
      case "prevView": {
        if (c.app.view === "overview") {
          return c.dispatchOverview({ type: "next-pane", bounds: c.geometry, reverse: id === "prevView" });
        }
        const i = VIEWS.indexOf(c.app.view);
        const next = VIEWS[(i + (id === "prevView" ? VIEWS.length - 1 : 1)) % VIEWS.length]!;
        return c.dispatchApp({ type: "go", view: next });
      }
      case "view.overview":
      case "view.findings":
      case "view.blindspots":
      case "view.fix":
      case "view.export":
        return c.dispatchApp({ type: "go", view: id.slice(5) as ViewId });
      case "select":
        return select();
      case "filter":
        return c.dispatchFindings({ type: "start-filter" });
      case "mark":
        if (!current) return status("no finding to mark", "warn");
        c.dispatchFindings({ type: "toggle-mark", id: current.id });
        return c.dispatchFindings({
          type: "move",
          move: "down",
          count: c.filtered.length,
          pageSize: c.layout.listRows,
        });
      case "markAll":
        c.dispatchFindings({ type: "mark-all", ids: c.filtered.map((f) => f.id) });
        return status(`marked ${c.filtered.length} finding(s)`);
      case "clearMarks":
        c.dispatchFindings({ type: "clear-marks" });
        return status("marks cleared");
      case "severity":
        return c.dispatchFindings({ type: "cycle-severity" });
      case "cloud":
        return c.dispatchFindings({ type: "cycle-cloud" });
      case "status":
        return c.dispatchFindings({ type: "cycle-status" });
      case "sort":
        return c.dispatchFindings({ type: "cycle-sort" });
      case "fixPreview":
        if (c.findings.marks.size === 0 && !current) return status("no finding selected or marked", "warn");
        return c.dispatchApp({ type: "go", view: "fix" });
      case "toggleFormat":
        return c.dispatchFix({ type: "toggle-format" });
      case "writeFix":
        return openFixWrite();
      case "editPath":
        return c.dispatchExport({ type: "edit-path" });
      case "writeExport":
        void startWrite(false);
        return;
    }
  };

  /**
   * A chunk of several characters: fast typing over a slow link, tmux send-keys, or a paste. The state read by this
   * handler does not change between the characters of one chunk, so mode switches are handled as a whole:
   * `:cmd⏎` runs a command, `/text` filters, text goes into an open editor; anything else is replayed key by key.
   */
  const onChunk = (chunk: string) => {
    const hasEnter = /[\r\n]$/.test(chunk);
    const body = typed(chunk.replace(/[\r\n]+$/, ""), PLAIN_KEY);
    const isEditing =
      (c.app.view === "export" && c.exportState.isEditingPath) || (c.app.view === "fix" && c.fix.isEditingDir);
    if (c.app.overlay === "command" || (c.app.overlay === "none" && body.startsWith(":") && !isEditing)) {
      const text = c.app.overlay === "command" ? c.app.commandText + body : body.slice(1);
      if (hasEnter) {
        c.dispatchApp({ type: "close-overlay" });
        return runCommandLine(text);
      }
      if (c.app.overlay !== "command") c.dispatchApp({ type: "open-command" });
      return c.dispatchApp({ type: "command-input", text: c.app.overlay === "command" ? body : text });
    }
    if (c.app.overlay === "none" && c.app.view === "findings" && (c.findings.isEditingFilter || body.startsWith("/"))) {
      const text = c.findings.isEditingFilter ? body : body.slice(1);
      if (text) c.dispatchFindings({ type: "filter-input", text });
      else c.dispatchFindings({ type: "start-filter" });
      if (hasEnter) c.dispatchFindings({ type: "filter-commit" });
      return;
    }
    if (c.app.view === "export" && c.exportState.isEditingPath) {
      if (body) c.dispatchExport({ type: "path-input", text: body });
      if (hasEnter) c.dispatchExport({ type: "path-commit" });
      return;
    }
    if (c.app.view === "fix" && c.fix.isEditingDir) {
      if (body) c.dispatchFix({ type: "dir-input", text: body });
      if (hasEnter) void startFixWrite(false);
      return;
    }
    for (const ch of chunk)
      onKey(ch === "\r" || ch === "\n" ? "" : ch, { ...PLAIN_KEY, return: ch === "\r" || ch === "\n" });
  };

  const onKey = (input: string, key: Key) => {
    if (input.length > 1 && !key.ctrl && !key.meta) return onChunk(input);
    if (key.ctrl && input === "c") return c.onQuit();

    // Command line: a line editor; Enter runs, Esc closes.
    if (c.app.overlay === "command") {
      if (key.escape) return c.dispatchApp({ type: "close-overlay" });
      if (key.return) {
        const text = c.app.commandText;
        c.dispatchApp({ type: "close-overlay" });
        return runCommandLine(text);
      }
      if (key.backspace || key.delete) return c.dispatchApp({ type: "command-backspace" });
      const t = typed(input, key);
      if (t) c.dispatchApp({ type: "command-input", text: t });
      return;
    }

    // Help overlay: Esc or ? closes, arrows scroll, q still quits.
    if (c.app.overlay === "help") {
      if (key.escape || input === "?") return c.dispatchApp({ type: "close-overlay" });
      if (input === "q") return c.onQuit();
      const max = Math.max(0, helpLines(c.app.view).length - (c.layout.bodyRows - 1));
      if (key.downArrow || input === "j") c.setHelpOffset((o) => Math.min(max, o + 1));
      if (key.upArrow || input === "k") c.setHelpOffset((o) => Math.max(0, o - 1));
      return;
    }

    // Findings filter line: typing edits it live; arrows still move; Enter keeps it; Esc clears it.
    if (c.app.view === "findings" && c.findings.isEditingFilter) {
      if (key.escape) return c.dispatchFindings({ type: "filter-cancel" });
      if (key.return) return c.dispatchFindings({ type: "filter-commit" });
      if (key.backspace || key.delete) return c.dispatchFindings({ type: "filter-backspace" });
      if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
        const move: ListMove = key.upArrow ? "up" : key.downArrow ? "down" : key.pageUp ? "pageUp" : "pageDown";
        return c.dispatchFindings({ type: "move", move, count: c.filtered.length, pageSize: c.layout.listRows });
      }
      const t = typed(input, key);
      if (t) c.dispatchFindings({ type: "filter-input", text: t });
      return;
    }

    // Export: overwrite confirmation, then the path editor.
    if (c.app.view === "export" && c.exportState.confirmPath) {
      return confirmKeys(input, key, {
        yes: () => void startWrite(true),
        no: () => {
          c.dispatchExport({ type: "cancel-overwrite" });
          status("not written");
        },
        ask: () => status("answer y (overwrite) or n (keep the file)", "warn"),
      });
    }
    if (c.app.view === "export" && c.exportState.isEditingPath) {
      return editorKeys(input, key, {
        cancel: () => c.dispatchExport({ type: "path-cancel" }),
        commit: () => c.dispatchExport({ type: "path-commit" }),
        backspace: () => c.dispatchExport({ type: "path-backspace" }),
        input: (text) => c.dispatchExport({ type: "path-input", text }),
      });
    }

    // Fix preview: overwrite confirmation, then the folder prompt (Enter writes).
    if (c.app.view === "fix" && c.fix.confirmPaths) {
      return confirmKeys(input, key, {
        yes: () => void startFixWrite(true),
        no: () => {
          c.dispatchFix({ type: "cancel-overwrite" });
          status("not written: the existing files are unchanged");
        },
        ask: () => status("answer y (overwrite) or n (keep the files)", "warn"),
      });
    }
    if (c.app.view === "fix" && c.fix.isEditingDir) {
      return editorKeys(input, key, {
        cancel: () => c.dispatchFix({ type: "dir-cancel" }),
        commit: () => void startFixWrite(false),
        backspace: () => c.dispatchFix({ type: "dir-backspace" }),
        input: (text) => c.dispatchFix({ type: "dir-input", text }),
      });
    }

    const id = resolveCommand(c.app.view, input, key);
    if (id) return run(id);
    const hint = elsewhere(input, key, c.app.view);
    if (hint) status(hint, "warn");
  };

  useInput(onKey);
}
