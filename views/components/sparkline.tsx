import { Box, Text } from "ink";
import type { z } from "zod";
import type { DayCountSchema } from "../../src/model/samples.js";
import { useTheme } from "../theme-context.js";
import { Styled } from "./styled.js";

type DayCount = z.infer<typeof DayCountSchema>;

const LEVELS = "▁▂▃▄▅▆▇█";

/** A sparkline glyph for `value` on a 0..max scale; zero is a blank so gaps stand out. */
export function sparkGlyph(value: number, max: number): string {
  if (value <= 0 || max <= 0) return " ";
  const i = Math.min(LEVELS.length - 1, Math.max(0, Math.ceil((value / max) * LEVELS.length) - 1));
  return LEVELS[i]!;
}

/** Per day: `gap` (source events, none in the SIEM), `stopped` (logging off), `unknown` (SIEM not queried), `ok`. */
export type DayMark = "gap" | "stopped" | "unknown" | "ok";

/** Classifies each day of a per-day series. Pure. */
export function dayMarks(perDay: readonly DayCount[], stoppedDays: ReadonlySet<string>): DayMark[] {
  return perDay.map((d) => {
    if (stoppedDays.has(d.day)) return "stopped";
    if (d.siem === null) return "unknown";
    if (d.source > 0 && d.siem === 0) return "gap";
    return "ok";
  });
}

const MARK_GLYPH: Record<DayMark, string> = { gap: "✗", stopped: "■", unknown: "?", ok: "·" };

/** Props of {@link DeliverySparkline}. */
export interface DeliverySparklineProps {
  readonly perDay: readonly DayCount[];
  readonly stoppedDays: ReadonlySet<string>;
  readonly width: number;
}

/** Source vs SIEM events per day, with a marks row: ✗ delivery gap, ■ logging stopped, ? SIEM unknown. */
export function DeliverySparkline({ perDay, stoppedDays, width }: DeliverySparklineProps) {
  const theme = useTheme();
  const days = perDay.slice(-Math.max(1, width - 8));
  if (days.length === 0) return <Styled style={theme.text.muted}>no per-day counts recorded</Styled>;
  const max = Math.max(1, ...days.map((d) => Math.max(d.source, d.siem ?? 0)));
  const marks = dayMarks(days, stoppedDays);
  const markStyle = (m: DayMark) =>
    m === "gap"
      ? theme.text.error
      : m === "stopped"
        ? theme.text.warning
        : m === "unknown"
          ? theme.status.unknown
          : theme.text.muted;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Styled style={theme.text.muted}>{"source  "}</Styled>
        <Styled style={theme.text.accent}>{days.map((d) => sparkGlyph(d.source, max)).join("")}</Styled>
      </Text>
      <Text wrap="truncate-end">
        <Styled style={theme.text.muted}>{"siem    "}</Styled>
        {days.map((d, i) => (
          <Styled key={d.day} style={marks[i] === "gap" ? theme.text.error : theme.text.ok}>
            {d.siem === null ? "?" : marks[i] === "gap" ? "_" : sparkGlyph(d.siem, max)}
          </Styled>
        ))}
      </Text>
      <Text wrap="truncate-end">
        <Styled style={theme.text.muted}>{"marks   "}</Styled>
        {marks.map((m, i) => (
          <Styled key={days[i]!.day} style={markStyle(m)}>
            {MARK_GLYPH[m]}
          </Styled>
        ))}
      </Text>
      <Styled style={theme.text.muted}>
        {`        ${days[0]!.day} … ${days.at(-1)!.day}   ✗ gap  ■ logging stopped  ? unknown`}
      </Styled>
    </Box>
  );
}
