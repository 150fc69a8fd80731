import { Box, Text } from "ink";
import type { Cloud } from "../../src/model/common.js";
import { Bar } from "../components/bar.js";
import { clip, padTo, Styled } from "../components/styled.js";
import type { Layout } from "../layout.js";
import { formatDuration, type ProgressUnit, type ScanProgress, scanEta } from "../state/scan-reducer.js";
import { useTheme } from "../theme-context.js";

/** Props of {@link ScanScreen}. */
export interface ScanScreenProps {
  readonly progress: ScanProgress;
  readonly nowMs: number;
  readonly layout: Layout;
  /** `demo simulator`, `ambient credentials`. */
  readonly source: string;
}

const CLOUD_TITLE: Record<Cloud, string> = { aws: "AWS", azure: "Azure" };
const UNITS: Record<Cloud, readonly ProgressUnit[]> = {
  aws: ["accounts", "regions", "samples"],
  azure: ["subscriptions", "samples"],
};

/** Live scan progress from ScanEvents: bars per cloud, API calls, throttles, errors, elapsed, ETA. */
export function ScanScreen({ progress: p, nowMs, layout, source }: ScanScreenProps) {
  const theme = useTheme();
  const elapsed = p.startedAtMs === undefined ? 0 : (p.finishedAtMs ?? nowMs) - p.startedAtMs;
  const eta = scanEta(p, nowMs);
  const barWidth = Math.max(10, Math.min(40, layout.columns - 40));
  const phase =
    p.phase === "stopping"
      ? "stopping: finishing calls in flight, keeping what was collected…"
      : p.phase === "failed"
        ? "scan failed"
        : p.phase === "finished"
          ? "scan finished"
          : p.phase === "starting"
            ? "starting…"
            : "scanning";
  const logRows = Math.max(1, layout.rows - 14 - p.clouds.length * 3);
  return (
    <Box flexDirection="column" width={layout.columns}>
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>blindspot</Styled>
        <Styled style={theme.text.muted}>{` │ ${source} │ `}</Styled>
        <Styled
          style={
            p.phase === "failed" ? theme.text.error : p.phase === "stopping" ? theme.text.warning : theme.text.accent
          }
        >
          {phase}
        </Styled>
        <Styled style={theme.text.muted}>{` │ elapsed ${formatDuration(elapsed)}`}</Styled>
        <Styled style={theme.text.muted}>{` │ ETA ${eta === undefined ? "--" : formatDuration(eta)}`}</Styled>
      </Text>
      <Text> </Text>
      {p.clouds.map((cloud) => (
        <Box key={cloud} flexDirection="column">
          <Styled style={theme.text.accent}>{CLOUD_TITLE[cloud]}</Styled>
          {UNITS[cloud].map((unit) => {
            const u = p.progress[cloud]?.[unit];
            return (
              <Text key={unit} wrap="truncate-end">
                <Text>{`  ${padTo(unit, 14)}`}</Text>
                {u ? (
                  <Bar good={Math.min(u.done, u.total)} total={u.total} width={barWidth} />
                ) : (
                  <Styled style={theme.text.muted}>{padTo("waiting", barWidth)}</Styled>
                )}
                <Text>{u ? ` ${u.done}/${u.total}` : ""}</Text>
              </Text>
            );
          })}
        </Box>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">
        <Text>{`API calls ${p.apiCalls.toLocaleString("en-US")}`}</Text>
        <Styled style={p.failedCalls ? theme.text.error : theme.text.muted}>{` (${p.failedCalls} failed)`}</Styled>
        <Styled style={p.throttles ? theme.text.warning : theme.text.muted}>{` · throttled ${p.throttles}`}</Styled>
        <Styled style={theme.text.muted}>{` · retries ${p.retries}`}</Styled>
        <Styled style={p.scopeErrors ? theme.text.error : theme.text.muted}>{` · errors ${p.scopeErrors}`}</Styled>
      </Text>
      {p.active.length > 0 ? (
        <Styled style={theme.text.muted}>
          {clip(
            `in flight: ${p.active.slice(0, 6).join(", ")}${p.active.length > 6 ? ` +${p.active.length - 6}` : ""}`,
            layout.columns,
          )}
        </Styled>
      ) : null}
      {p.failure ? (
        <Styled style={theme.text.error} isTruncated={false}>
          {p.failure}
        </Styled>
      ) : null}
      {p.log.length > 0 ? <Styled style={theme.text.accent}>Problems</Styled> : null}
      {p.log.slice(-logRows).map((l) => (
        <Styled key={l.id} style={l.level === "error" ? theme.text.error : theme.text.warning}>
          {clip(`${l.level === "error" ? "✗" : "!"} ${l.text}`, layout.columns)}
        </Styled>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">
        <Styled style={theme.text.key}>q</Styled>
        <Styled style={theme.text.muted}>{p.phase === "failed" ? " quit" : " / "}</Styled>
        {p.phase === "failed" ? null : <Styled style={theme.text.key}>^c</Styled>}
        {p.phase === "failed" ? null : (
          <Styled style={theme.text.muted}>
            {p.phase === "stopping"
              ? " again: quit now"
              : " stop the scan and explore what was collected (marked incomplete)"}
          </Styled>
        )}
      </Text>
    </Box>
  );
}
