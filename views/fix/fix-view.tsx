import { Box, Text } from "ink";
import type { Finding } from "../../src/model/finding.js";
import { clip, Pane, Styled } from "../components/styled.js";
import type { Layout } from "../layout.js";
import type { FixState } from "../state/fix-reducer.js";
import { useTheme } from "../theme-context.js";
import { type FixPreview, fixScriptRows, SKIPPED_SHOWN } from "./fix-preview.js";

/** Props of {@link FixView}. */
export interface FixViewProps {
  /** The marked findings, or the selected one when nothing is marked. */
  readonly findings: readonly Finding[];
  /** Whether `findings` are the marked ones (else the cursor's). */
  readonly isMarkedSelection: boolean;
  /** The generators' output for `findings` in `state.format`; undefined when nothing is selected. */
  readonly preview: FixPreview | undefined;
  readonly state: FixState;
  /** Absolute folder the relative `state.dir` resolves to. */
  readonly resolvedDir: string;
  readonly layout: Layout;
}

/** Fix preview: the generated scripts (scrollable), the findings they close and the ones skipped with the reason. */
export function FixView({ findings, isMarkedSelection, preview, state, resolvedDir, layout }: FixViewProps) {
  const theme = useTheme();
  const width = layout.columns;
  const checkOf = new Map(findings.map((f) => [f.id, f.checkId]));
  const title = (
    <Text wrap="truncate-end">
      <Styled style={theme.text.title}>
        {`Fix preview · ${findings.length} ${isMarkedSelection ? "marked" : "selected"} finding(s)  `}
      </Styled>
      <Styled style={state.format === "bash" ? theme.text.selected : theme.text.muted}>{" bash "}</Styled>
      <Text> </Text>
      <Styled style={state.format === "terraform" ? theme.text.selected : theme.text.muted}>{" Terraform "}</Styled>
      <Styled style={theme.text.muted}>{"  (b toggles)"}</Styled>
    </Text>
  );
  if (findings.length === 0 || !preview) {
    return (
      <Pane height={layout.bodyRows} width={width}>
        {title}
        <Styled style={theme.text.muted}>Select or mark findings in the findings view (2, space) first.</Styled>
      </Pane>
    );
  }
  if (preview.kind === "error") {
    return (
      <Pane height={layout.bodyRows} width={width}>
        {title}
        <Styled style={theme.text.error}>{`cannot generate fix scripts: ${preview.message}`}</Styled>
      </Pane>
    );
  }
  const { result, lines } = preview;
  const rows = fixScriptRows(layout, preview);
  const shown = lines.slice(state.offset, state.offset + rows);
  const closes = result.closes.map((id) => `${id} ${checkOf.get(id) ?? ""}`.trim());
  // With no script there is room: let the reasons wrap and list every group.
  const hasScript = lines.length > 0;
  const skipped = hasScript ? preview.skipped.slice(0, SKIPPED_SHOWN) : preview.skipped;
  const more = preview.skipped.slice(skipped.length).reduce((n, g) => n + g.findingIds.length, 0);
  const files = result.files.map((f) => f.path).join(", ");
  return (
    <Pane height={layout.bodyRows} width={width}>
      {title}
      {closes.length > 0 ? (
        <Text wrap="truncate-end">
          <Styled style={theme.text.ok}>{`closes ${closes.length}: `}</Styled>
          <Text>{closes.join(" · ")}</Text>
        </Text>
      ) : (
        <Styled style={theme.text.warning}>closes nothing: no selected finding has a configuration fix</Styled>
      )}
      {skipped.map((g) => (
        <Text key={g.reason} wrap={hasScript ? "truncate-end" : "wrap"}>
          <Styled style={theme.text.warning}>{"skipped "}</Styled>
          <Text>
            {g.findingIds.length === 1
              ? `${g.findingIds[0]} ${g.checkIds[0]}: `
              : `${g.findingIds.length} findings (${g.checkIds.join(", ")}): `}
          </Text>
          <Styled style={theme.text.muted} isTruncated={hasScript}>
            {g.reason}
          </Styled>
        </Text>
      ))}
      {more > 0 ? <Styled style={theme.text.muted}>{`+${more} more skipped`}</Styled> : null}
      {!hasScript ? (
        <Styled style={theme.text.muted}>
          {"No script: nothing in the selection has a configuration fix (reasons above)."}
        </Styled>
      ) : (
        <Styled style={theme.text.accent}>
          {`${files} · lines ${state.offset + 1}–${state.offset + shown.length} of ${lines.length}`}
        </Styled>
      )}
      {shown.map((l) => (
        <Styled key={l.n} style={l.kind === "file" ? theme.text.title : undefined}>
          {clip(l.text, width) || " "}
        </Styled>
      ))}
      {shown.length < rows ? <Box height={rows - shown.length} /> : null}
      {state.confirmPaths ? (
        <Styled style={theme.text.warning}>
          {`${state.confirmPaths.length} file(s) exist in ${resolvedDir}: ${state.confirmPaths.map((p) => p.split("/").pop()).join(", ")}. Overwrite? (y/n)`}
        </Styled>
      ) : state.isWriting ? (
        <Styled style={theme.text.info}>writing…</Styled>
      ) : state.isEditingDir ? (
        <Styled
          style={theme.text.muted}
        >{`write ${files || "nothing"} into ${resolvedDir} · Enter writes · Esc cancels`}</Styled>
      ) : (
        <Styled style={theme.text.muted}>
          {lines.length > 0
            ? `j/k PgUp/PgDn scroll · b bash/Terraform · w write into ${state.dir}`
            : "b bash/Terraform · 2 back to the findings"}
        </Styled>
      )}
    </Pane>
  );
}
