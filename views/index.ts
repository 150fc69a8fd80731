/** The TUI's entry points for the CLI (`tui`, `demo`, bare `blindspot`). */
export { Explorer, type ExplorerProps } from "./explorer.js";
export { LiveApp, type LiveAppProps } from "./live-app.js";
export { runExplorerTui, runLiveTui, type TuiSession } from "./run.js";
export { earlyFailure, type ScanFn, type ScanRun, startScanRun } from "./scan/scan-run.js";
export { colorAllowed } from "./theme.js";
