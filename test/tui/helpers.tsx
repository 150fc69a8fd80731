import { render } from "ink-testing-library";
import type { ReactElement } from "react";
import type { Analysis } from "../../analyzers/index.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { Explorer } from "../../views/explorer.js";
import type { Exporter } from "../../views/export/exporter.js";
import type { TerminalSize } from "../../views/layout.js";
import { makeTheme } from "../../views/theme.js";
import { ThemeContext } from "../../views/theme-context.js";
import { memoryExporter, tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";

/** Named key sequences for fake stdin. */
export const KEY = {
  up: "\u001B[A",
  down: "\u001B[B",
  right: "\u001B[C",
  left: "\u001B[D",
  pageUp: "\u001B[5~",
  pageDown: "\u001B[6~",
  enter: "\r",
  escape: "\u001B",
  tab: "\t",
  shiftTab: "\u001B[Z",
  backspace: "\u007F",
  space: " ",
  ctrlC: "\u0003",
  ctrlR: "\u0012",
} as const;

/** Waits until `predicate(frame)` holds, polling briefly; fails with the last frame. */
export async function waitFor(
  get: () => string | undefined,
  predicate: (frame: string) => boolean,
  timeoutMs = 3000,
): Promise<string> {
  const start = Date.now();
  let frame = get() ?? "";
  while (!predicate(frame)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 5));
    frame = get() ?? "";
  }
  return frame;
}

/**
 * Writes a key until `predicate` holds. A view that has just mounted registers its key handler in a passive effect,
 * so a key sent in the same tick as its first frame can arrive before anyone listens.
 */
export async function pressUntil(
  stdin: { write: (s: string) => void },
  key: string,
  predicate: () => boolean,
  timeoutMs = 3000,
): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`key ${JSON.stringify(key)} had no effect`);
    stdin.write(key);
    const sent = Date.now();
    while (!predicate() && Date.now() - sent < 100) await new Promise((r) => setTimeout(r, 5));
  }
}

/** Renders an element inside a (colourless, so frames are plain) theme. */
export function renderUi(element: ReactElement, isColor = false) {
  return render(<ThemeContext.Provider value={makeTheme(isColor)}>{element}</ThemeContext.Provider>);
}

export interface ExplorerHarness {
  /** The last frame without escape sequences. */
  lastFrame: () => string;
  /** The last frame as written (with the inverse-video cursor). */
  rawFrame: () => string;
  /** Writes keys one by one, waiting for each to be handled (frame changes or settles). */
  press: (...keys: string[]) => Promise<string>;
  type: (text: string) => Promise<string>;
  until: (predicate: (frame: string) => boolean) => Promise<string>;
  quit: { calls: number };
  rescans: { calls: number };
  exporter: Exporter & { written: Map<string, string> };
  unmount: () => void;
}

/** Renders the explorer over the TUI fixture (or given data) at a given size. */
export async function renderExplorer(
  options: {
    size?: TerminalSize;
    snapshot?: Snapshot;
    analysis?: Analysis;
    existing?: string[];
    withRescan?: boolean;
    cwd?: string;
  } = {},
): Promise<ExplorerHarness> {
  const quit = { calls: 0 };
  const rescans = { calls: 0 };
  const exporter = memoryExporter(options.existing);
  const ui = renderUi(
    <Explorer
      snapshot={options.snapshot ?? tuiSnapshot()}
      analysis={options.analysis ?? tuiAnalysis()}
      exporter={exporter}
      source="file tui-snapshot.json"
      cwd={options.cwd ?? "/tmp/blindspot-tui"}
      size={options.size ?? { columns: 100, rows: 30 }}
      onQuit={() => {
        quit.calls++;
      }}
      onRescan={
        options.withRescan
          ? () => {
              rescans.calls++;
            }
          : undefined
      }
    />,
  );
  // Plain text: the cursor's inverse video is an escape sequence, not content.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips SGR escapes
  const lastFrame = () => (ui.lastFrame() ?? "").replace(/\u001b\[[0-9;]*m/g, "");
  await waitFor(lastFrame, (f) => f.includes("blindspot"));
  // The key handler is registered in a passive effect right after the first frame; let it run once.
  await new Promise((r) => setTimeout(r, 20));
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = ui.frames.length;
      ui.stdin.write(k);
      // Each key is handled synchronously by Ink's input handler; wait for the re-render it causes (if any).
      const start = Date.now();
      while (ui.frames.length === before && Date.now() - start < 150) await new Promise((r) => setTimeout(r, 2));
    }
    return lastFrame();
  };
  return {
    lastFrame,
    rawFrame: () => ui.lastFrame() ?? "",
    press,
    type: (text) => press(...text.split("")),
    until: (p) => waitFor(lastFrame, p),
    quit,
    rescans,
    exporter,
    unmount: () => ui.unmount(),
  };
}
