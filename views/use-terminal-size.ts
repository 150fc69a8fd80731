import { useWindowSize } from "ink";
import type { TerminalSize } from "./layout.js";

/**
 * The terminal size, updated on `resize`. `override` (tests, benchmarks) wins over the real size so a test can
 * lay the UI out for 70x20 on a fake stdout.
 */
export function useTerminalSize(override?: TerminalSize): TerminalSize {
  const size = useWindowSize();
  return override ?? size;
}
