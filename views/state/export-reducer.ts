/** State of the export view: format choice, output path (editable), and a pending overwrite confirmation. */
export interface ExportState {
  readonly formatIndex: number;
  readonly path: string;
  /** True once the user edited the path: changing format then keeps it. */
  readonly isPathCustom: boolean;
  readonly isEditingPath: boolean;
  /** The path before editing started, restored by Esc. */
  readonly pathBeforeEdit: string;
  /** Set while asking "overwrite?" for this path. */
  readonly confirmPath: string | undefined;
  readonly isWriting: boolean;
}

export type ExportAction =
  | { type: "move"; delta: number; formats: readonly string[]; defaultPath: (format: string) => string }
  | { type: "edit-path" }
  | { type: "path-input"; text: string }
  | { type: "path-backspace" }
  | { type: "path-commit" }
  | { type: "path-cancel" }
  | { type: "ask-overwrite"; path: string }
  | { type: "cancel-overwrite" }
  | { type: "writing" }
  | { type: "written" };

export function initialExport(defaultPath: string): ExportState {
  return {
    formatIndex: 0,
    path: defaultPath,
    isPathCustom: false,
    isEditingPath: false,
    pathBeforeEdit: defaultPath,
    confirmPath: undefined,
    isWriting: false,
  };
}

/** Pure reducer of the export view. */
export function exportReducer(state: ExportState, action: ExportAction): ExportState {
  switch (action.type) {
    case "move": {
      const n = action.formats.length;
      if (n === 0) return state;
      const formatIndex = (state.formatIndex + action.delta + n) % n;
      const path = state.isPathCustom ? state.path : action.defaultPath(action.formats[formatIndex]!);
      return { ...state, formatIndex, path };
    }
    case "edit-path":
      return { ...state, isEditingPath: true, pathBeforeEdit: state.path };
    case "path-input":
      return { ...state, path: state.path + action.text, isPathCustom: true };
    case "path-backspace":
      return { ...state, path: state.path.slice(0, -1), isPathCustom: true };
    case "path-commit":
      return { ...state, isEditingPath: false };
    case "path-cancel":
      return { ...state, isEditingPath: false, path: state.pathBeforeEdit };
    case "ask-overwrite":
      return { ...state, confirmPath: action.path };
    case "cancel-overwrite":
      return { ...state, confirmPath: undefined };
    case "writing":
      return { ...state, confirmPath: undefined, isWriting: true };
    case "written":
      return { ...state, isWriting: false };
  }
}
