/** The terminal size the UI lays itself out for. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** Where everything goes, derived from the terminal size only (pure, unit-tested). */
export interface Layout {
  readonly columns: number;
  readonly rows: number;
  /** Below 80 columns: one column; detail panes become their own layer. */
  readonly isNarrow: boolean;
  /** Below 24 rows: one-line header, no breadcrumbs line, hints share the status line. */
  readonly isShort: boolean;
  readonly headerRows: number;
  readonly footerRows: number;
  /** Rows left for the active view. */
  readonly bodyRows: number;
  /** Width of the main pane (list, heatmap). */
  readonly mainWidth: number;
  /** Width of the side pane (detail); 0 when narrow. */
  readonly sideWidth: number;
  /** Rows of a list inside the body (title and column header take two). */
  readonly listRows: number;
}

/** Smallest size we lay out for; smaller terminals are clamped (Ink then clips). */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 10;

/** Lays the screen out for a terminal size. */
export function calculateLayout(size: TerminalSize): Layout {
  const columns = Math.max(MIN_COLUMNS, Math.floor(size.columns) || MIN_COLUMNS);
  const rows = Math.max(MIN_ROWS, Math.floor(size.rows) || MIN_ROWS);
  const isNarrow = columns < 80;
  const isShort = rows < 24;
  const headerRows = isShort ? 1 : 2;
  const footerRows = isShort ? 1 : 2;
  // One row is kept free: Ink needs it so a full-height frame does not scroll the terminal.
  const bodyRows = Math.max(3, rows - headerRows - footerRows - 1);
  const sideWidth = isNarrow ? 0 : Math.min(60, Math.max(34, Math.floor(columns * 0.42)));
  const mainWidth = isNarrow ? columns : columns - sideWidth - 1;
  const listRows = Math.max(1, bodyRows - 2);
  return { columns, rows, isNarrow, isShort, headerRows, footerRows, bodyRows, mainWidth, sideWidth, listRows };
}
