import type { ViewId } from "../keymap.js";

export type StatusLevel = "info" | "warn" | "error";

/** One status-line message; `seq` lets the clearing timer know it is still the current one. */
export interface StatusMessage {
  readonly text: string;
  readonly level: StatusLevel;
  readonly seq: number;
}

/** Layers above the views, innermost last: Esc closes them first. */
export type Overlay = "none" | "help" | "command";

/** Top-level UI state: which view, which overlay, the command line and the status line. Views keep their own state. */
export interface AppState {
  readonly view: ViewId;
  /** Views visited before the current one, for Esc. */
  readonly history: readonly ViewId[];
  readonly overlay: Overlay;
  readonly commandText: string;
  readonly status: StatusMessage | undefined;
  readonly seq: number;
}

export type AppAction =
  | { type: "go"; view: ViewId }
  | { type: "back" }
  | { type: "toggle-help" }
  | { type: "close-overlay" }
  | { type: "open-command" }
  | { type: "command-input"; text: string }
  | { type: "command-backspace" }
  | { type: "status"; text: string; level?: StatusLevel }
  | { type: "clear-status"; seq: number };

export const INITIAL_APP: AppState = {
  view: "overview",
  history: [],
  overlay: "none",
  commandText: "",
  status: undefined,
  seq: 0,
};

/** Pure reducer of the app shell. */
export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case "go":
      if (action.view === state.view) return { ...state, overlay: "none" };
      return { ...state, view: action.view, history: [...state.history, state.view].slice(-20), overlay: "none" };
    case "back": {
      const prev = state.history.at(-1);
      if (!prev) return state;
      return { ...state, view: prev, history: state.history.slice(0, -1) };
    }
    case "toggle-help":
      return { ...state, overlay: state.overlay === "help" ? "none" : "help" };
    case "close-overlay":
      return { ...state, overlay: "none", commandText: "" };
    case "open-command":
      return { ...state, overlay: "command", commandText: "" };
    case "command-input":
      return { ...state, commandText: state.commandText + action.text };
    case "command-backspace":
      if (state.commandText === "") return { ...state, overlay: "none" };
      return { ...state, commandText: state.commandText.slice(0, -1) };
    case "status": {
      const seq = state.seq + 1;
      return { ...state, seq, status: { text: action.text, level: action.level ?? "info", seq } };
    }
    case "clear-status":
      return state.status?.seq === action.seq ? { ...state, status: undefined } : state;
  }
}
