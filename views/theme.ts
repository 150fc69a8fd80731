import type { CellStatus, FindingStatus, Severity } from "../src/model/common.js";

/** A text style: the only way components pick colour. `undefined` fields mean "terminal default". */
export interface TextStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dimColor?: boolean;
  readonly inverse?: boolean;
}

/** Semantic roles: components name what a thing is, the theme decides how it looks. */
export interface Theme {
  readonly isColor: boolean;
  readonly text: {
    readonly title: TextStyle;
    readonly muted: TextStyle;
    readonly accent: TextStyle;
    readonly key: TextStyle;
    readonly selected: TextStyle;
    readonly marked: TextStyle;
    readonly warning: TextStyle;
    readonly error: TextStyle;
    readonly ok: TextStyle;
    readonly info: TextStyle;
    readonly border: string | undefined;
    readonly focusBorder: string | undefined;
  };
  readonly severity: Record<Severity, TextStyle>;
  readonly status: Record<FindingStatus, TextStyle>;
  readonly cell: Record<CellStatus, TextStyle>;
  readonly bar: { readonly done: TextStyle; readonly rest: TextStyle; readonly bad: TextStyle };
}

/** Heatmap glyphs: distinct without colour, so NO_COLOR users can still read the map. */
export const CELL_GLYPH: Record<CellStatus, string> = {
  covered: "●",
  partial: "◐",
  uncovered: "✗",
  unknown: "?",
  "n/a": "·",
};

/** Short words for cell statuses in legends and details. */
export const CELL_LABEL: Record<CellStatus, string> = {
  covered: "covered",
  partial: "partial",
  uncovered: "uncovered",
  unknown: "unknown",
  "n/a": "n/a",
};

export const STATUS_GLYPH: Record<FindingStatus, string> = {
  fail: "✗",
  unknown: "?",
  muted: "~",
  pass: "✓",
};

const COLOR: Theme = {
  isColor: true,
  text: {
    title: { bold: true, color: "cyan" },
    muted: { dimColor: true },
    accent: { color: "cyan" },
    key: { color: "yellow", bold: true },
    selected: { inverse: true },
    marked: { color: "magenta", bold: true },
    warning: { color: "yellow" },
    error: { color: "red", bold: true },
    ok: { color: "green" },
    info: { color: "blue" },
    border: "gray",
    focusBorder: "cyan",
  },
  severity: {
    critical: { color: "red", bold: true },
    high: { color: "red" },
    medium: { color: "yellow" },
    low: { color: "cyan" },
    info: { dimColor: true },
  },
  status: {
    fail: { color: "red" },
    unknown: { color: "magenta" },
    muted: { dimColor: true },
    pass: { color: "green" },
  },
  cell: {
    covered: { color: "green" },
    partial: { color: "yellow" },
    uncovered: { color: "red", bold: true },
    unknown: { color: "magenta" },
    "n/a": { dimColor: true },
  },
  bar: { done: { color: "green" }, rest: { dimColor: true }, bad: { color: "red" } },
};

/** No colour at all (NO_COLOR, --no-color): bold/inverse/dim are attributes, not colour, and keep the UI usable. */
const PLAIN: Theme = {
  isColor: false,
  text: {
    title: { bold: true },
    muted: {},
    accent: {},
    key: { bold: true },
    selected: { inverse: true },
    marked: { bold: true },
    warning: { bold: true },
    error: { bold: true },
    ok: {},
    info: {},
    border: undefined,
    focusBorder: undefined,
  },
  severity: { critical: { bold: true }, high: { bold: true }, medium: {}, low: {}, info: {} },
  status: { fail: { bold: true }, unknown: {}, muted: {}, pass: {} },
  cell: { covered: {}, partial: {}, uncovered: { bold: true }, unknown: {}, "n/a": {} },
  bar: { done: {}, rest: {}, bad: { bold: true } },
};

/** The theme for a colour decision. */
export function makeTheme(isColor: boolean): Theme {
  return isColor ? COLOR : PLAIN;
}

/** Colour decision for the TUI: `--no-color` and NO_COLOR switch it off. */
export function colorAllowed(env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  return env.NO_COLOR === undefined || env.NO_COLOR === "";
}
