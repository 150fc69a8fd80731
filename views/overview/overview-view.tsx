import { Box, Text } from "ink";
import { SEVERITIES } from "../../src/model/common.js";
import { scopeLabel } from "../../src/model/scope.js";
import { Bar } from "../components/bar.js";
import { clip, Pane, padTo, Styled } from "../components/styled.js";
import { countCells, type Derived, percent, regionCode } from "../data/derive.js";
import type { Layout } from "../layout.js";
import type { OverviewState } from "../state/overview-reducer.js";
import { CELL_GLYPH, CELL_LABEL, type TextStyle } from "../theme.js";
import { useTheme } from "../theme-context.js";
import type { OverviewGeometry } from "./geometry.js";
import { overviewTarget } from "./select.js";

/** Props of {@link OverviewView}. */
export interface OverviewViewProps {
  readonly derived: Derived;
  readonly state: OverviewState;
  readonly geometry: OverviewGeometry;
  readonly layout: Layout;
}

/** Headline, AWS heatmap, Azure grid, cell detail and top blind spots. Renders only; keys live in the app hook. */
export function OverviewView({ derived, state, geometry, layout }: OverviewViewProps) {
  const g = geometry;
  const main = (
    <Box flexDirection="column" width={g.mainWidth} flexShrink={0}>
      <Heatmap derived={derived} state={state} geometry={g} />
      <AzureGrid derived={derived} state={state} geometry={g} />
    </Box>
  );
  if (g.isNarrow) {
    return (
      <Pane height={layout.bodyRows}>
        <Headline derived={derived} layout={layout} />
        {main}
        <Legend derived={derived} isCompact />
        <CellDetail derived={derived} state={state} width={layout.columns} isCompact />
        {g.topRows > 0 ? (
          <TopBlindSpots derived={derived} state={state} rows={g.topRows} width={layout.columns} />
        ) : null}
      </Pane>
    );
  }
  return (
    <Pane height={layout.bodyRows}>
      <Headline derived={derived} layout={layout} />
      <Box>
        {main}
        <Box width={1} />
        <Box flexDirection="column" width={g.sideWidth} flexShrink={0}>
          <CellDetail derived={derived} state={state} width={g.sideWidth} />
          <Legend derived={derived} />
          <TopBlindSpots derived={derived} state={state} rows={g.topRows} width={g.sideWidth} />
        </Box>
      </Box>
    </Pane>
  );
}

function Headline({ derived, layout }: { derived: Derived; layout: Layout }) {
  const theme = useTheme();
  const s = derived.summary;
  const applicable = s.cells.covered + s.cells.partial + s.cells.uncovered + s.cells.unknown;
  const d = derived.delivery;
  const barWidth = layout.isNarrow ? 10 : 16;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>{`Coverage ${padTo(percent(s.coverageRatio), 6)}`}</Styled>
        <Text> </Text>
        <Bar good={s.cells.covered} bad={s.cells.uncovered} total={applicable} width={barWidth} />
        <Styled style={theme.text.muted}>
          {` ${s.cells.covered}/${applicable} cells covered (${s.cells.partial} partial, ${s.cells.uncovered} uncovered, ${s.cells.unknown} unknown)`}
        </Styled>
      </Text>
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>{`Delivery ${padTo(percent(d.ratio), 6)}`}</Styled>
        <Text> </Text>
        <Bar good={d.found} bad={d.missing} total={d.sampled} width={barWidth} />
        <Styled style={theme.text.muted}>
          {` ${d.found}/${d.sampled} sampled events in SIEM${d.unknownSamples ? `, ${d.unknownSamples} samples unchecked` : ""}`}
        </Styled>
      </Text>
      <Text wrap="truncate-end">
        <Styled style={theme.text.muted}>{"Failing "}</Styled>
        {SEVERITIES.map((sev) => (
          <Text key={sev}>
            <Styled style={theme.severity[sev]}>{`${sev} ${s.failingBySeverity[sev]}`}</Styled>
            <Text>{"  "}</Text>
          </Text>
        ))}
        <Styled style={theme.status.unknown}>{`unknown ${s.findings.unknown}`}</Styled>
        <Styled style={theme.text.muted}>{`  muted ${s.findings.muted}  pass ${s.findings.pass}`}</Styled>
      </Text>
      {layout.isShort ? null : <Text> </Text>}
    </Box>
  );
}

function Heatmap({
  derived,
  state,
  geometry: g,
}: {
  derived: Derived;
  state: OverviewState;
  geometry: OverviewGeometry;
}) {
  const theme = useTheme();
  const h = derived.heatmap;
  if (h.accounts.length === 0) return <Styled style={theme.text.muted}>AWS: not scanned</Styled>;
  const isFocused = state.pane === "aws";
  const cols = h.regions.slice(state.col.offset, state.col.offset + g.visibleCols);
  const rows = h.accounts.slice(state.row.offset, state.row.offset + g.visibleRows);
  const more = h.accounts.length > g.visibleRows || h.regions.length > g.visibleCols;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Styled style={isFocused ? theme.text.title : theme.text.accent}>
          {`AWS ${h.accounts.length} account(s) × ${h.regions.length} region(s)`}
        </Styled>
        {more ? (
          <Styled style={theme.text.muted}>
            {`  rows ${state.row.offset + 1}-${state.row.offset + rows.length}/${h.accounts.length} · cols ${state.col.offset + 1}-${state.col.offset + cols.length}/${h.regions.length} (←/→ scroll)`}
          </Styled>
        ) : null}
      </Text>
      <Text wrap="truncate-end">
        <Text>{" ".repeat(g.labelWidth)}</Text>
        {cols.map((r, i) => (
          <Styled
            key={r}
            style={isFocused && state.col.offset + i === state.col.cursor ? theme.text.accent : theme.text.muted}
          >
            {padTo(regionCode(r), g.colWidth)}
          </Styled>
        ))}
      </Text>
      {rows.map((a, ri) => {
        const rowIndex = state.row.offset + ri;
        const isRow = isFocused && rowIndex === state.row.cursor;
        return (
          <Text key={a.accountId} wrap="truncate-end">
            <Styled style={isRow ? theme.text.accent : undefined}>
              {padTo(a.name ?? a.accountId, g.labelWidth - 1)}{" "}
            </Styled>
            {segments(
              cols.map((r, ci) => {
                const cell = h.cells.get(`${a.accountId} ${r}`);
                const isCursor = isRow && state.col.offset + ci === state.col.cursor;
                const base = cell ? theme.cell[cell.status] : theme.text.muted;
                const text = ` ${cell ? CELL_GLYPH[cell.status] : " "} `;
                return { style: isCursor ? { ...base, inverse: true } : base, text, pad: Math.max(0, g.colWidth - 3) };
              }),
            ).map((seg, si) => (
              // Segments are positional: a row is redrawn as a whole.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <Styled key={si} style={seg.style}>
                {seg.text}
              </Styled>
            ))}
          </Text>
        );
      })}
    </Box>
  );
}

/**
 * Merges neighbouring heatmap cells of the same style into one text run: a 17-region row becomes a handful of Ink
 * nodes instead of 34, which keeps keypress-to-frame time low on large estates. Padding is unstyled, so a cursor's
 * inverse video covers only the glyph.
 */
export function segments(
  cells: readonly { style: TextStyle; text: string; pad: number }[],
): { style: TextStyle | undefined; text: string }[] {
  const out: { style: TextStyle | undefined; text: string }[] = [];
  const push = (style: TextStyle | undefined, text: string) => {
    const last = out.at(-1);
    if (last && last.style === style) last.text += text;
    else out.push({ style, text });
  };
  for (const c of cells) {
    push(c.style, c.text);
    if (c.pad > 0) push(c.style.inverse ? undefined : c.style, " ".repeat(c.pad));
  }
  return out;
}

function AzureGrid({
  derived,
  state,
  geometry: g,
}: {
  derived: Derived;
  state: OverviewState;
  geometry: OverviewGeometry;
}) {
  const theme = useTheme();
  if (derived.azure.length === 0) return <Styled style={theme.text.muted}>Azure: not scanned</Styled>;
  const isFocused = state.pane === "azure";
  const cursorRow = Math.floor(state.azure.cursor / g.azureColumns);
  const firstRow = Math.max(0, cursorRow - g.azureRows + 1);
  const rows: number[][] = [];
  for (let r = firstRow; r < firstRow + g.azureRows; r++) {
    const start = r * g.azureColumns;
    if (start >= derived.azure.length) break;
    rows.push(Array.from({ length: Math.min(g.azureColumns, derived.azure.length - start) }, (_, i) => start + i));
  }
  return (
    <Box flexDirection="column">
      <Styled style={isFocused ? theme.text.title : theme.text.accent}>
        {`Azure ${derived.azure.length} subscription(s)`}
      </Styled>
      {rows.map((indexes) => (
        <Text key={indexes[0]} wrap="truncate-end">
          {indexes.map((i) => {
            const a = derived.azure[i]!;
            const isCursor = isFocused && i === state.azure.cursor;
            const style = theme.cell[a.cell.status];
            return (
              <Text key={i}>
                <Styled
                  style={isCursor ? { ...style, inverse: true } : style}
                >{` ${CELL_GLYPH[a.cell.status]} `}</Styled>
                <Styled style={isCursor ? theme.text.accent : undefined}>{padTo(a.name, g.azureCellWidth - 4)}</Styled>
                <Text> </Text>
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}

function Legend({ derived, isCompact }: { derived: Derived; isCompact?: boolean }) {
  const theme = useTheme();
  const counts = countCells([...derived.heatmap.cells.values(), ...derived.azure.map((a) => a.cell)]);
  const statuses = ["covered", "partial", "uncovered", "unknown", "n/a"] as const;
  return (
    <Box flexDirection="column" marginTop={isCompact ? 0 : 1}>
      {isCompact ? null : <Styled style={theme.text.accent}>Legend</Styled>}
      {(isCompact ? [statuses] : [statuses.slice(0, 3), statuses.slice(3)]).map((group) => (
        <Text key={group.join()} wrap="truncate-end">
          {group.map((st) => (
            <Text key={st}>
              <Styled style={theme.cell[st]}>{CELL_GLYPH[st]}</Styled>
              <Text>{` ${CELL_LABEL[st]} ${counts[st]}  `}</Text>
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

function CellDetail({
  derived,
  state,
  width,
  isCompact,
}: {
  derived: Derived;
  state: OverviewState;
  width: number;
  isCompact?: boolean;
}) {
  const theme = useTheme();
  const t = overviewTarget(state, derived);
  if (t.kind === "none") return <Styled style={theme.text.muted}>nothing selected</Styled>;
  if (t.kind === "top") {
    const s = t.row.sample;
    return (
      <Box flexDirection="column">
        <Styled style={theme.text.accent}>{clip(`${t.row.label} · ${t.row.eventClass}`, width)}</Styled>
        <Text wrap="truncate-end">
          {s.state === "unknown"
            ? `could not be checked: ${s.error?.code ?? "unknown"}`
            : `${s.sampled - s.found} of ${s.sampled} sampled events missing from the SIEM`}
        </Text>
        {isCompact ? null : <Styled style={theme.text.muted}>Enter: blind spots view</Styled>}
      </Box>
    );
  }
  const cell = t.cell;
  const title = t.kind === "aws" ? `${t.name ?? t.accountId} ${t.region}` : t.name;
  const scope = cell ? scopeLabel(cell.scope) : t.kind === "aws" ? `${t.accountId} ${t.region}` : "";
  if (!cell) {
    return (
      <Box flexDirection="column">
        <Styled style={theme.text.accent}>{clip(title, width)}</Styled>
        <Styled style={theme.text.muted}>region not listed for this account</Styled>
      </Box>
    );
  }
  if (isCompact) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate-end">
          <Styled style={theme.cell[cell.status]}>{`${CELL_GLYPH[cell.status]} ${CELL_LABEL[cell.status]}`}</Styled>
          <Text>{` ${title}: ${cell.reasons.join("; ") || "-"}`}</Text>
        </Text>
        <Styled
          style={theme.text.muted}
        >{`${cell.findingIds.length} finding(s) · Enter: findings of this cell`}</Styled>
      </Box>
    );
  }
  return (
    <Pane height={7}>
      <Styled style={theme.text.accent}>{clip(title, width)}</Styled>
      <Styled style={theme.text.muted}>{clip(scope, width)}</Styled>
      <Styled style={theme.cell[cell.status]}>{`${CELL_GLYPH[cell.status]} ${CELL_LABEL[cell.status]}`}</Styled>
      {cell.reasons.slice(0, 2).map((r) => (
        <Text key={r} wrap="wrap">{`· ${r}`}</Text>
      ))}
      <Styled style={theme.text.muted}>{`${cell.findingIds.length} finding(s) · Enter: findings of this cell`}</Styled>
    </Pane>
  );
}

function TopBlindSpots({
  derived,
  state,
  rows,
  width,
}: {
  derived: Derived;
  state: OverviewState;
  rows: number;
  width: number;
}) {
  const theme = useTheme();
  const items = derived.topBlindSpots;
  const isFocused = state.pane === "top";
  const first = Math.max(0, Math.min(state.top.offset, Math.max(0, items.length - rows)));
  const visible = items.slice(first, first + Math.max(0, rows - 1));
  return (
    <Box flexDirection="column">
      <Styled style={isFocused ? theme.text.title : theme.text.accent}>{`Top blind spots (${items.length})`}</Styled>
      {items.length === 0 ? <Styled style={theme.text.muted}>no sampled event is missing</Styled> : null}
      {visible.map((r, i) => {
        const isCursor = isFocused && first + i === state.top.cursor;
        const s = r.sample;
        const text =
          s.state === "unknown"
            ? `?  ${r.label} ${r.eventClass} unchecked`
            : `${String(s.sampled - s.found).padStart(3)}/${s.sampled} missing ${r.label} ${r.eventClass}`;
        return (
          <Styled
            key={r.key}
            style={isCursor ? theme.text.selected : s.state === "unknown" ? theme.status.unknown : theme.text.error}
          >
            {clip(text, width)}
          </Styled>
        );
      })}
    </Box>
  );
}
