import { Box, Text } from "ink";
import { Bar } from "../components/bar.js";
import { DeliverySparkline } from "../components/sparkline.js";
import { clip, Pane, padTo, Styled } from "../components/styled.js";
import { type Derived, percent, type SampleRow, tamperDays } from "../data/derive.js";
import type { Layout } from "../layout.js";
import type { ListCursor } from "../state/list.js";
import { formatDuration } from "../state/scan-reducer.js";
import { useTheme } from "../theme-context.js";

/** Props of {@link BlindSpotsView}. */
export interface BlindSpotsViewProps {
  readonly derived: Derived;
  readonly list: ListCursor;
  readonly layout: Layout;
}

/** Rows of the blind-spot list for a layout (the detail takes the rest). */
export function blindSpotListRows(layout: Layout): number {
  return layout.isNarrow ? Math.max(2, Math.floor((layout.bodyRows - 2) / 3)) : layout.listRows;
}

/** Per scope and event class: sampled/found/missing bars; the selected one's missing events and per-day sparkline. */
export function BlindSpotsView({ derived, list, layout }: BlindSpotsViewProps) {
  const theme = useTheme();
  const rows = derived.rankedSamples;
  const d = derived.delivery;
  const listRows = blindSpotListRows(layout);
  const current = rows[list.cursor];
  const listWidth = layout.isNarrow ? layout.columns : layout.mainWidth;
  const title = `Blind spots[${rows.length}]  delivery ${percent(d.ratio)} (${d.found}/${d.sampled} found${d.unknownSamples ? `, ${d.unknownSamples} unchecked` : ""})`;
  const listBox = (
    <Box flexDirection="column" width={listWidth}>
      <Styled style={theme.text.title}>{clip(title, listWidth)}</Styled>
      {rows.length === 0 ? (
        <Styled style={theme.text.muted}>no samples in this snapshot (scanned with --no-sample?)</Styled>
      ) : (
        <SampleRows rows={rows} list={list} width={listWidth} count={listRows} />
      )}
    </Box>
  );
  const detail = current ? (
    <SampleDetail row={current} width={layout.isNarrow ? layout.columns : layout.sideWidth} />
  ) : null;
  if (layout.isNarrow) {
    return (
      <Pane height={layout.bodyRows}>
        {listBox}
        {detail}
      </Pane>
    );
  }
  return (
    <Box height={layout.bodyRows} overflow="hidden">
      <Pane height={layout.bodyRows} width={layout.mainWidth}>
        {listBox}
      </Pane>
      <Box width={1} />
      <Pane height={layout.bodyRows} width={layout.sideWidth}>
        {detail}
      </Pane>
    </Box>
  );
}

function SampleRows({
  rows,
  list,
  width,
  count,
}: {
  rows: readonly SampleRow[];
  list: ListCursor;
  width: number;
  count: number;
}) {
  const theme = useTheme();
  const start = Math.min(list.offset, Math.max(0, rows.length - count));
  const barWidth = Math.min(16, Math.max(6, Math.floor(width / 8)));
  const countWidth = 13;
  const labelWidth = Math.max(10, width - barWidth - countWidth - 1);
  return (
    <Box flexDirection="column">
      {rows.slice(start, start + count).map((r, i) => {
        const isCursor = start + i === list.cursor;
        const s = r.sample;
        const missing = s.sampled - s.found;
        const counts =
          s.state === "unknown"
            ? "? unchecked"
            : `${s.found}/${s.sampled}${missing > 0 ? ` -${missing}` : ""}${s.capped ? "+" : ""}`;
        return (
          <Text key={r.key} wrap="truncate-end">
            <Styled style={isCursor ? theme.text.selected : undefined}>
              {padTo(`${r.eventClass} ${r.label}`, labelWidth)}
            </Styled>
            <Text> </Text>
            {s.state === "unknown" ? (
              <Styled style={theme.status.unknown}>{"?".padEnd(barWidth)}</Styled>
            ) : (
              <Bar good={s.found} bad={missing} total={s.sampled} width={barWidth} />
            )}
            <Styled
              style={s.state === "unknown" ? theme.status.unknown : missing > 0 ? theme.text.error : theme.text.ok}
            >
              {` ${counts}`}
            </Styled>
          </Text>
        );
      })}
    </Box>
  );
}

/** `arn:aws:iam::111111111111:user/mallory` → `user/mallory`; other actors unchanged. */
export function shortActor(actor: string | undefined): string {
  if (!actor) return "?";
  return actor.startsWith("arn:") ? (actor.split(":").at(-1) ?? actor) : actor;
}

function SampleDetail({ row, width }: { row: SampleRow; width: number }) {
  const theme = useTheme();
  const s = row.sample;
  const stopped = tamperDays(row.tamper, s.window.end);
  return (
    <Box flexDirection="column" width={width}>
      <Styled style={theme.text.accent}>{clip(`${row.label} · ${row.eventClass}`, width)}</Styled>
      <Styled style={theme.text.muted}>
        {clip(
          `${s.source.service}:${s.source.operation} → ${s.destination ? `${s.destination.kind} ${s.destination.id}` : "no SIEM destination"}`,
          width,
        )}
      </Styled>
      <Styled style={theme.text.muted}>
        {clip(`window ${s.window.start.slice(0, 10)} … ${s.window.end.slice(0, 10)}`, width)}
      </Styled>
      {s.state === "unknown" ? (
        <Styled style={theme.status.unknown} isTruncated={false}>
          {`Could not be checked (${s.error ? `${s.error.service}:${s.error.operation} ${s.error.code}` : "not queried"}): not counted as delivered.`}
        </Styled>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        <DeliverySparkline perDay={s.perDay} stoppedDays={stopped} width={width} />
      </Box>
      {row.tamper.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Styled style={theme.text.warning}>{`Logging changes (${row.tamper.length})`}</Styled>
          {row.tamper.slice(0, 3).map((t) => (
            <Box key={t.eventId} flexDirection="column">
              <Text wrap="truncate-end">
                <Styled style={theme.text.muted}>{`${t.time.slice(0, 16).replace("T", " ")} `}</Styled>
                <Styled style={theme.text.warning}>{t.name}</Styled>
                <Text>{` by ${shortActor(t.actor)}`}</Text>
              </Text>
              <Styled style={theme.text.muted}>
                {t.resumedAt
                  ? `  off until ${t.resumedAt.slice(0, 16).replace("T", " ")} (${formatDuration(Date.parse(t.resumedAt) - Date.parse(t.time))})`
                  : "  not resumed inside the window"}
              </Styled>
            </Box>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        <Styled
          style={theme.text.accent}
        >{`Missing from the SIEM (${s.missing.length} of ${s.sampled - s.found} listed)`}</Styled>
        {s.missing.map((m) => (
          <Box key={m.eventId} flexDirection="column">
            <Text wrap="truncate-end">
              <Styled style={theme.text.muted}>{`${m.time.slice(0, 16).replace("T", " ")} `}</Styled>
              <Styled style={theme.text.error}>{m.name}</Styled>
            </Text>
            <Styled style={theme.text.muted}>
              {clip(`  by ${shortActor(m.actor)} from ${m.sourceIp ?? "?"} · ${m.eventId}`, width)}
            </Styled>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
