/** Fix preview format toggle. */
export type FixFormat = "bash" | "terraform";

/** Default folder the fix scripts are written to (relative to the working folder). */
export const DEFAULT_FIX_DIR = "blindspot-fix/";

/** State of the fix preview: format, script scroll, the output folder prompt and a pending overwrite confirmation. */
export interface FixState {
  readonly format: FixFormat;
  /** First script line shown. */
  readonly offset: number;
  readonly dir: string;
  /** True while the folder prompt is open (w: confirm or edit the folder, Enter writes). */
  readonly isEditingDir: boolean;
  /** The folder before editing started, restored by Esc. */
  readonly dirBeforeEdit: string;
  /** Set while asking "overwrite?" for these existing files. */
  readonly confirmPaths: readonly string[] | undefined;
  readonly isWriting: boolean;
}

export type FixScroll = "up" | "down" | "top" | "bottom" | "pageUp" | "pageDown";

export type FixAction =
  | { type: "toggle-format" }
  | { type: "scroll"; move: FixScroll; lines: number; pageSize: number }
  | { type: "reset-scroll" }
  | { type: "edit-dir" }
  | { type: "dir-input"; text: string }
  | { type: "dir-backspace" }
  | { type: "dir-cancel" }
  | { type: "ask-overwrite"; paths: readonly string[] }
  | { type: "cancel-overwrite" }
  | { type: "writing" }
  | { type: "written" };

export const INITIAL_FIX: FixState = {
  format: "bash",
  offset: 0,
  dir: DEFAULT_FIX_DIR,
  isEditingDir: false,
  dirBeforeEdit: DEFAULT_FIX_DIR,
  confirmPaths: undefined,
  isWriting: false,
};

/** Largest offset that still fills the pane. */
export function maxFixOffset(lines: number, pageSize: number): number {
  return Math.max(0, lines - Math.max(1, pageSize));
}

/** Pure reducer of the fix preview. */
export function fixReducer(state: FixState, action: FixAction): FixState {
  switch (action.type) {
    case "toggle-format":
      return { ...state, format: state.format === "bash" ? "terraform" : "bash", offset: 0 };
    case "scroll": {
      const page = Math.max(1, action.pageSize);
      const delta = { up: -1, down: 1, top: -Infinity, bottom: Infinity, pageUp: -page, pageDown: page }[action.move];
      const offset = Math.min(maxFixOffset(action.lines, page), Math.max(0, state.offset + delta));
      return offset === state.offset ? state : { ...state, offset };
    }
    case "reset-scroll":
      return state.offset === 0 ? state : { ...state, offset: 0 };
    case "edit-dir":
      return { ...state, isEditingDir: true, dirBeforeEdit: state.dir };
    case "dir-input":
      return { ...state, dir: state.dir + action.text };
    case "dir-backspace":
      return { ...state, dir: state.dir.slice(0, -1) };
    case "dir-cancel":
      return { ...state, isEditingDir: false, dir: state.dirBeforeEdit };
    case "ask-overwrite":
      return { ...state, isEditingDir: false, confirmPaths: action.paths };
    case "cancel-overwrite":
      return { ...state, confirmPaths: undefined };
    case "writing":
      return { ...state, isEditingDir: false, confirmPaths: undefined, isWriting: true };
    case "written":
      return { ...state, isWriting: false };
  }
}
