/** A cursor over a list with a visible window `[offset, offset + pageSize)` (the ink-ui select pattern). */
export interface ListCursor {
  readonly cursor: number;
  readonly offset: number;
}

export type ListMove = "up" | "down" | "top" | "bottom" | "pageUp" | "pageDown";

export const START: ListCursor = { cursor: 0, offset: 0 };

/** Moves the cursor and scrolls the window so the cursor stays visible. Pure. */
export function moveList(state: ListCursor, move: ListMove, count: number, pageSize: number): ListCursor {
  if (count <= 0) return START;
  const page = Math.max(1, pageSize);
  const last = count - 1;
  const delta: Record<ListMove, number> = {
    up: -1,
    down: 1,
    top: -Infinity,
    bottom: Infinity,
    pageUp: -page,
    pageDown: page,
  };
  const cursor = Math.min(last, Math.max(0, state.cursor + delta[move]));
  return clampList({ cursor, offset: state.offset }, count, page);
}

/** Keeps cursor and window inside the list (after the list shrank or the page changed size). */
export function clampList(state: ListCursor, count: number, pageSize: number): ListCursor {
  if (count <= 0) return START;
  const page = Math.max(1, pageSize);
  const cursor = Math.min(count - 1, Math.max(0, state.cursor));
  let offset = Math.min(state.offset, Math.max(0, count - page));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + page) offset = cursor - page + 1;
  return { cursor, offset: Math.max(0, offset) };
}
