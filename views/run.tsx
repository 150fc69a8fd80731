import { render } from "ink";
import type { ReactElement } from "react";
import type { Analysis } from "../analyzers/index.js";
import type { Cloud } from "../src/model/common.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { Explorer } from "./explorer.js";
import { loadExporter } from "./export/exporter.js";
import { LiveApp } from "./live-app.js";
import type { ScanFn, ScanRun } from "./scan/scan-run.js";
import { makeTheme } from "./theme.js";
import { ThemeContext } from "./theme-context.js";

/** Terminal and environment for a TUI session. */
export interface TuiSession {
  /** Colour allowed (NO_COLOR / --no-color switch it off). */
  readonly isColor: boolean;
  readonly cwd: string;
  /** Aborted on SIGTERM/SIGINT from outside: the UI closes. */
  readonly signal?: AbortSignal;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
}

async function mount(session: TuiSession, build: (exit: () => void) => ReactElement): Promise<void> {
  let unmount = () => {};
  const element = build(() => unmount());
  const instance = render(<ThemeContext.Provider value={makeTheme(session.isColor)}>{element}</ThemeContext.Provider>, {
    stdout: session.stdout ?? process.stdout,
    stdin: session.stdin ?? process.stdin,
    exitOnCtrlC: false,
    alternateScreen: true,
    // Keys arrive faster than 30 frames a second when held down; 60 keeps the cursor under the finger.
    maxFps: 60,
  });
  unmount = () => instance.unmount();
  const onAbort = () => instance.unmount();
  session.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    session.signal?.removeEventListener("abort", onAbort);
  }
}

/** Opens the explorer over a saved, analysed snapshot; resolves when the user quits. */
export async function runExplorerTui(
  session: TuiSession,
  input: { snapshot: Snapshot; analysis: Analysis; source: string },
): Promise<void> {
  const exporter = await loadExporter(input.snapshot, input.analysis);
  await mount(session, (exit) => (
    <Explorer
      snapshot={input.snapshot}
      analysis={input.analysis}
      exporter={exporter}
      source={input.source}
      cwd={session.cwd}
      onQuit={exit}
      initialStatus={
        input.snapshot.complete
          ? undefined
          : { text: "this snapshot is INCOMPLETE: scopes it did not reach are unknown, not covered", level: "warn" }
      }
    />
  ));
}

/**
 * Runs a scan behind the scan screen, then the explorer; ctrl-r rescans. Resolves when the user quits; rejects with
 * the scan's error if the last scan failed.
 */
export async function runLiveTui(
  session: TuiSession,
  input: {
    scan: ScanFn;
    initialRun?: ScanRun;
    clouds: readonly Cloud[];
    analyze: (snapshot: Snapshot) => Analysis;
    source: string;
  },
): Promise<void> {
  let failure: { error?: unknown } = {};
  await mount(session, (exit) => (
    <LiveApp
      scan={input.scan}
      initialRun={input.initialRun}
      clouds={input.clouds}
      analyze={input.analyze}
      makeExporter={loadExporter}
      source={input.source}
      cwd={session.cwd}
      onExit={(result) => {
        failure = result;
        exit();
      }}
    />
  ));
  if (failure.error !== undefined) throw failure.error;
}
