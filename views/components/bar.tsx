import { Text } from "ink";
import { useTheme } from "../theme-context.js";
import { Styled } from "./styled.js";

/** Props of {@link Bar}. */
export interface BarProps {
  /** Good part (done, found). */
  readonly good: number;
  /** Bad part (missing); the rest of `total` is drawn as not yet done. @default 0 */
  readonly bad?: number;
  readonly total: number;
  readonly width: number;
}

/** Splits `width` cells between good, bad and rest; a non-zero part always gets at least one cell. */
export function barCells(good: number, bad: number, total: number, width: number): [number, number, number] {
  if (total <= 0 || width <= 0) return [0, 0, Math.max(0, width)];
  let g = Math.round((good / total) * width);
  let b = Math.round((bad / total) * width);
  if (bad > 0 && b === 0) b = 1;
  if (good > 0 && g === 0) g = 1;
  // Never show a full good bar while something is missing or not done.
  if (good < total && g >= width) g = width - 1;
  if (g + b > width) g = Math.max(0, width - b);
  return [g, b, Math.max(0, width - g - b)];
}

/** A progress/ratio bar: `█` good, `▓` bad, `░` rest (distinct glyphs so it reads without colour). */
export function Bar({ good, bad = 0, total, width }: BarProps) {
  const theme = useTheme();
  const [g, b, r] = barCells(good, bad, total, width);
  return (
    <Text wrap="truncate-end">
      <Styled style={theme.bar.done}>{"█".repeat(g)}</Styled>
      <Styled style={theme.bar.bad}>{"▓".repeat(b)}</Styled>
      <Styled style={theme.bar.rest}>{"░".repeat(r)}</Styled>
    </Text>
  );
}
