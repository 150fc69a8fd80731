import type { Key } from "ink";

/** The five views, in the order the number keys select them. */
export const VIEWS = ["overview", "findings", "blindspots", "fix", "export"] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_TITLE: Record<ViewId, string> = {
  overview: "Overview",
  findings: "Findings",
  blindspots: "Blind spots",
  fix: "Fix preview",
  export: "Export",
};

/** Help groups; `global` and `navigation` apply in every view. */
export type KeyCategory = "global" | "navigation" | ViewId;

export const CATEGORY_TITLE: Record<KeyCategory, string> = {
  global: "Global",
  navigation: "Navigation",
  ...VIEW_TITLE,
};

/** A binding for one command: the keys that trigger it and what it does. */
export interface CommandSpec {
  /** Key names: `ctrl+c`, `up`, `pagedown`, `enter`, `escape`, `tab`, `space`, or a literal character. */
  readonly keys: readonly string[];
  readonly description: string;
  readonly category: KeyCategory;
  /** Short label for the status-bar hints; commands without one are only in `?` help. */
  readonly hint?: string;
}

/**
 * The one keymap registry: command → keys, description, category. The help overlay and the status-bar hints are
 * generated from it, and the key handler resolves keys through it, so they can never disagree.
 */
export const KEYMAP = {
  quit: {
    keys: ["q"],
    description: "Quit (during a scan: stop it and keep what was collected)",
    category: "global",
    hint: "quit",
  },
  forceQuit: { keys: ["ctrl+c"], description: "Quit from anywhere (during a scan: stop it first)", category: "global" },
  help: { keys: ["?"], description: "Show or hide this help", category: "global", hint: "help" },
  commandLine: {
    keys: [":"],
    description: "Command line (:findings, :region eu-west-1, :q)",
    category: "global",
    hint: "cmd",
  },
  back: { keys: ["escape"], description: "Back out one layer: overlay, filter, drill-down, view", category: "global" },
  rescan: { keys: ["ctrl+r"], description: "Rescan (when the UI was opened from a live scan)", category: "global" },
  nextView: { keys: ["tab"], description: "Next pane or view", category: "global" },
  prevView: { keys: ["shift+tab"], description: "Previous pane or view", category: "global" },
  "view.overview": { keys: ["1"], description: "Overview: coverage heatmap and headline", category: "global" },
  "view.findings": { keys: ["2"], description: "Findings list", category: "global" },
  "view.blindspots": {
    keys: ["3"],
    description: "Blind spots: sampled events missing from the SIEM",
    category: "global",
  },
  "view.fix": { keys: ["4"], description: "Fix preview for the selected or marked findings", category: "global" },
  "view.export": { keys: ["5"], description: "Export a report", category: "global" },

  up: { keys: ["up", "k"], description: "Move up", category: "navigation" },
  down: { keys: ["down", "j"], description: "Move down", category: "navigation" },
  left: { keys: ["left", "h"], description: "Move left (heatmap columns)", category: "navigation" },
  right: { keys: ["right", "l"], description: "Move right (heatmap columns)", category: "navigation" },
  top: { keys: ["g", "home"], description: "Go to the top", category: "navigation" },
  bottom: { keys: ["G", "end"], description: "Go to the bottom", category: "navigation" },
  pageUp: { keys: ["pageup", "ctrl+u"], description: "Page up", category: "navigation" },
  pageDown: { keys: ["pagedown", "ctrl+d"], description: "Page down", category: "navigation" },
  select: { keys: ["enter"], description: "Drill in / open", category: "navigation", hint: "open" },

  filter: {
    keys: ["/"],
    description: "Filter the list (start with ! to invert)",
    category: "findings",
    hint: "filter",
  },
  mark: { keys: ["space"], description: "Mark or unmark the finding", category: "findings", hint: "mark" },
  markAll: { keys: ["a"], description: "Mark every finding in the (filtered) list", category: "findings" },
  clearMarks: { keys: ["u"], description: "Clear all marks", category: "findings" },
  severity: {
    keys: ["s"],
    description: "Severity filter: all, critical, high+, medium+, low+",
    category: "findings",
    hint: "sev",
  },
  cloud: { keys: ["c"], description: "Cloud filter: all, aws, azure", category: "findings", hint: "cloud" },
  status: {
    keys: ["t"],
    description: "Status filter: all, open (fail+unknown), fail, unknown, muted, pass",
    category: "findings",
  },
  sort: {
    keys: ["o"],
    description: "Sort: default, severity, check, scope, resource",
    category: "findings",
    hint: "sort",
  },
  fixPreview: {
    keys: ["f"],
    description: "Fix preview for the marked findings (or the selected one)",
    category: "findings",
    hint: "fix",
  },

  toggleFormat: { keys: ["b"], description: "Toggle bash / Terraform", category: "fix", hint: "bash/tf" },
  writeFix: {
    keys: ["w"],
    description: "Write the scripts into a folder (confirm or edit it, Enter writes; asks before overwriting)",
    category: "fix",
    hint: "write",
  },

  editPath: { keys: ["e"], description: "Edit the output path", category: "export", hint: "path" },
  writeExport: {
    keys: ["w"],
    description: "Write the report (asks before overwriting)",
    category: "export",
    hint: "write",
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof KEYMAP;

/** Every command with its spec, in registry order. */
export function commands(): readonly (readonly [CommandId, CommandSpec])[] {
  return Object.entries(KEYMAP) as [CommandId, CommandSpec][];
}

/** Display form of a key name: `ctrl+c` → `^c`, `pagedown` → `PgDn`. */
export function keyLabel(name: string): string {
  const special: Record<string, string> = {
    up: "↑",
    down: "↓",
    left: "←",
    right: "→",
    pageup: "PgUp",
    pagedown: "PgDn",
    enter: "Enter",
    escape: "Esc",
    tab: "Tab",
    "shift+tab": "S-Tab",
    space: "Space",
    home: "Home",
    end: "End",
  };
  if (special[name]) return special[name];
  if (name.startsWith("ctrl+")) return `^${name.slice(5)}`;
  return name;
}

/** True when a key event matches a key name. */
export function keyMatches(name: string, input: string, key: Key): boolean {
  switch (name) {
    case "up":
      return key.upArrow;
    case "down":
      return key.downArrow;
    case "left":
      return key.leftArrow;
    case "right":
      return key.rightArrow;
    case "pageup":
      return key.pageUp;
    case "pagedown":
      return key.pageDown;
    case "home":
      return key.home;
    case "end":
      return key.end;
    case "enter":
      return key.return;
    case "escape":
      return key.escape;
    case "tab":
      return key.tab && !key.shift;
    case "shift+tab":
      return key.tab && key.shift;
    case "space":
      return input === " " && !key.ctrl && !key.meta;
  }
  if (name.startsWith("ctrl+")) return key.ctrl && input === name.slice(5);
  return !key.ctrl && !key.meta && input === name;
}

/** Categories whose commands are live in a view, most specific first. */
export function activeCategories(view: ViewId): readonly KeyCategory[] {
  return [view, "navigation", "global"];
}

/** The command a key triggers in a view, or undefined. View commands win over navigation, which wins over global. */
export function resolveCommand(view: ViewId, input: string, key: Key): CommandId | undefined {
  for (const category of activeCategories(view)) {
    for (const [id, spec] of commands()) {
      if (spec.category !== category) continue;
      if (spec.keys.some((k) => keyMatches(k, input, key))) return id;
    }
  }
  return undefined;
}

/** Status-bar hints for a view: `key label` pairs from the registry. */
export function hintsFor(view: ViewId): { key: string; label: string }[] {
  const out: { key: string; label: string }[] = [];
  for (const category of [view, "navigation", "global"] as const) {
    for (const [, spec] of commands()) {
      if (spec.category === category && spec.hint) out.push({ key: keyLabel(spec.keys[0]!), label: spec.hint });
    }
  }
  return out;
}
