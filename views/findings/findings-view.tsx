import { Box, Text } from "ink";
import { getCheck } from "../../src/model/checks.js";
import type { Finding } from "../../src/model/finding.js";
import { scopeLabel } from "../../src/model/scope.js";
import { clip, Pane, padTo, Styled } from "../components/styled.js";
import type { Layout } from "../layout.js";
import type { FindingsState } from "../state/findings-reducer.js";
import { STATUS_GLYPH } from "../theme.js";
import { useTheme } from "../theme-context.js";

/** Props of {@link FindingsView}. */
export interface FindingsViewProps {
  /** Already filtered and sorted. */
  readonly findings: readonly Finding[];
  /** Size of the unfiltered list, for the title. */
  readonly total: number;
  readonly state: FindingsState;
  readonly layout: Layout;
}

/** Title like `Findings(aws/111… eu-west-1)[42/120] </kms> sev:high+`. */
export function findingsTitle(state: FindingsState, shown: number, total: number): string {
  const q = state.query;
  const parts = [`Findings${q.scope ? `(${q.scope.label})` : ""}[${shown}/${total}]`];
  if (q.text) parts.push(`</${q.text}>`);
  if (q.severity !== "all") parts.push(`sev:${q.severity === "critical" ? "critical" : `${q.severity}+`}`);
  if (q.cloud !== "all") parts.push(`cloud:${q.cloud}`);
  if (q.status !== "all") parts.push(`status:${q.status}`);
  if (q.sort !== "default") parts.push(`sort:${q.sort}`);
  if (state.marks.size > 0) parts.push(`marked:${state.marks.size}`);
  return parts.join(" ");
}

/** The findings list (virtualized: only the visible window is rendered) with a detail pane beside it (or as a layer when narrow). */
export function FindingsView({ findings, total, state, layout }: FindingsViewProps) {
  const theme = useTheme();
  const current = findings[state.list.cursor];
  // Enter opens the detail as a full-width layer (beside the list it is cut to the side pane's width).
  if (state.isDetailOpen && current) {
    return (
      <Pane height={layout.bodyRows}>
        <FindingDetail finding={current} width={layout.columns} isMarked={state.marks.has(current.id)} />
      </Pane>
    );
  }
  const list = (
    <Pane height={layout.bodyRows} width={layout.mainWidth}>
      <Styled style={theme.text.title}>{clip(findingsTitle(state, findings.length, total), layout.mainWidth)}</Styled>
      <FindingRows findings={findings} state={state} width={layout.mainWidth} rows={layout.listRows} />
    </Pane>
  );
  if (layout.isNarrow) return list;
  return (
    <Box>
      {list}
      <Box width={1} />
      <Pane height={layout.bodyRows} width={layout.sideWidth}>
        {current ? (
          <FindingDetail finding={current} width={layout.sideWidth} isMarked={state.marks.has(current.id)} />
        ) : (
          <Styled style={theme.text.muted}>no finding selected</Styled>
        )}
      </Pane>
    </Box>
  );
}

/** Props of {@link FindingRows}. */
export interface FindingRowsProps {
  readonly findings: readonly Finding[];
  readonly state: FindingsState;
  readonly width: number;
  readonly rows: number;
}

/** The visible window of rows: mark, status, severity, check, scope. */
export function FindingRows({ findings, state, width, rows }: FindingRowsProps) {
  const theme = useTheme();
  if (findings.length === 0) {
    return (
      <Box flexDirection="column">
        <Text> </Text>
        <Styled style={theme.text.muted}>
          {state.query.text || state.query.scope ? "no finding matches (Esc clears the filter)" : "no findings"}
        </Styled>
      </Box>
    );
  }
  const scopeWidth = Math.min(28, Math.max(12, Math.floor(width * 0.3)));
  const checkWidth = Math.max(10, width - 2 - 2 - 9 - scopeWidth - 1);
  const start = Math.min(state.list.offset, Math.max(0, findings.length - rows));
  const visible = findings.slice(start, start + rows);
  return (
    <Box flexDirection="column">
      <Styled style={theme.text.muted}>
        {padTo(`    ${padTo("SEVERITY", 9)}${padTo("CHECK / TITLE", checkWidth)} SCOPE`, width)}
      </Styled>
      {visible.map((f, i) => {
        const index = start + i;
        const isCursor = index === state.list.cursor;
        const isMarked = state.marks.has(f.id);
        const check = `${f.checkId} ${f.title}`;
        return (
          <Text key={f.id} wrap="truncate-end" inverse={isCursor}>
            <Styled style={isMarked ? theme.text.marked : undefined}>{isMarked ? "* " : "  "}</Styled>
            <Styled style={theme.status[f.status]}>{`${STATUS_GLYPH[f.status]} `}</Styled>
            <Styled style={f.status === "fail" ? theme.severity[f.severity] : theme.status[f.status]}>
              {padTo(f.status === "fail" ? f.severity : f.status, 9)}
            </Styled>
            <Text>{padTo(check, checkWidth)}</Text>
            <Styled style={theme.text.muted}>{` ${padTo(scopeLabel(f.scope), scopeWidth)}`}</Styled>
          </Text>
        );
      })}
    </Box>
  );
}

function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Props of {@link FindingDetail}. */
export interface FindingDetailProps {
  readonly finding: Finding;
  readonly width: number;
  readonly isMarked: boolean;
}

/** Everything about one finding: evidence, controls, remediation summary from the catalogue, mute reason. */
export function FindingDetail({ finding: f, width, isMarked }: FindingDetailProps) {
  const theme = useTheme();
  const check = getCheck(f.checkId);
  return (
    <Box flexDirection="column" width={width}>
      <Styled style={theme.text.title} isTruncated={false}>
        {f.title}
      </Styled>
      <Text wrap="truncate-end">
        <Styled style={theme.status[f.status]}>{`${STATUS_GLYPH[f.status]} ${f.status}`}</Styled>
        <Text>{"  "}</Text>
        <Styled style={theme.severity[f.severity]}>{f.severity}</Styled>
        <Styled style={theme.text.muted}>{`  ${f.id}${isMarked ? "  (marked)" : ""}`}</Styled>
      </Text>
      <Text wrap="truncate-end">{`check    ${f.checkId}`}</Text>
      <Text wrap="truncate-end">{`scope    ${scopeLabel(f.scope)}`}</Text>
      <Text wrap="truncate-middle">{`resource ${f.resource}`}</Text>
      {f.status === "unknown" ? (
        <Styled style={theme.status.unknown} isTruncated={false}>
          Could not be verified: treated as NOT covered until proven.
        </Styled>
      ) : null}
      {f.mute ? (
        <Styled style={theme.text.warning} isTruncated={false}>
          {`Muted until ${f.mute.expires}: ${f.mute.reason}`}
        </Styled>
      ) : null}
      <Styled style={theme.text.accent}>Evidence</Styled>
      {f.evidence.length === 0 ? <Styled style={theme.text.muted}>(none recorded)</Styled> : null}
      {f.evidence.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: evidence is an ordered list that never reorders
        <Text key={i} wrap="wrap">
          <Styled style={theme.text.muted}>{`· ${e.label}: `}</Styled>
          <Text>{clip(valueText(e.value), width * 2)}</Text>
          {e.source ? <Styled style={theme.text.muted}>{` (${e.source}${e.at ? ` ${e.at}` : ""})`}</Styled> : null}
        </Text>
      ))}
      <Styled style={theme.text.accent}>Controls</Styled>
      <Text wrap="wrap">{f.controls.join(", ") || "-"}</Text>
      <Styled style={theme.text.accent}>Remediation</Styled>
      <Text wrap="wrap">{check?.remediation ?? "no catalogue entry for this check"}</Text>
      {f.remediationIds.length > 0 ? (
        <Styled style={theme.text.muted}>{`fixes: ${f.remediationIds.join(", ")}`}</Styled>
      ) : null}
    </Box>
  );
}
