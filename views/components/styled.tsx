import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { TextStyle } from "../theme.js";

/** Props of {@link Styled}. */
export interface StyledProps {
  /** Semantic style from the theme. */
  readonly style?: TextStyle;
  /** Truncate instead of wrapping. @default true */
  readonly isTruncated?: boolean;
  readonly children?: ReactNode;
}

/** Text in a theme style; the only place styles turn into Ink props. */
export function Styled({ style, isTruncated = true, children }: StyledProps) {
  return (
    <Text
      color={style?.color}
      bold={style?.bold}
      dimColor={style?.dimColor}
      inverse={style?.inverse}
      wrap={isTruncated ? "truncate-end" : "wrap"}
    >
      {children}
    </Text>
  );
}

/** Cuts a string to `width` characters with an ellipsis. */
export function clip(text: string, width: number): string {
  if (width <= 0) return "";
  if (text.length <= width) return text;
  if (width === 1) return "…";
  return `${text.slice(0, width - 1)}…`;
}

/** Pads or cuts to exactly `width` characters. */
export function padTo(text: string, width: number): string {
  return clip(text, width).padEnd(Math.max(0, width));
}

/** Props of {@link Pane}. */
export interface PaneProps {
  readonly height: number;
  readonly width?: number;
  readonly children?: ReactNode;
}

/**
 * A fixed-height column that clips what does not fit. Its content never shrinks (Yoga would otherwise squeeze lines
 * on top of each other); the overflow is cut at the bottom.
 */
export function Pane({ height, width, children }: PaneProps) {
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Box flexDirection="column" flexShrink={0} width={width}>
        {children}
      </Box>
    </Box>
  );
}
