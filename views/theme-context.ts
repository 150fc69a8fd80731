import { createContext, useContext } from "react";
import { makeTheme, type Theme } from "./theme.js";

/** The active theme; components read it with `useTheme()` instead of naming colours. */
export const ThemeContext = createContext<Theme>(makeTheme(true));

/** The active semantic theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
