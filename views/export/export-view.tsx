import { Text } from "ink";
import { Pane, Styled } from "../components/styled.js";
import type { Layout } from "../layout.js";
import type { ExportState } from "../state/export-reducer.js";
import { useTheme } from "../theme-context.js";

/** Props of {@link ExportView}. */
export interface ExportViewProps {
  readonly formats: readonly string[];
  readonly pending: readonly string[];
  readonly state: ExportState;
  /** Absolute path the relative path resolves to. */
  readonly resolvedPath: string;
  readonly layout: Layout;
}

/** Export: pick a format (↑/↓), edit the path (e), write (w), confirm before overwriting (y/n). */
export function ExportView({ formats, pending, state, resolvedPath, layout }: ExportViewProps) {
  const theme = useTheme();
  return (
    <Pane height={layout.bodyRows} width={layout.columns}>
      <Styled style={theme.text.title}>Export report</Styled>
      <Text> </Text>
      <Styled style={theme.text.accent}>Format</Styled>
      {formats.map((f, i) => (
        <Styled key={f} style={i === state.formatIndex ? theme.text.selected : undefined}>
          {`${i === state.formatIndex ? "›" : " "} ${f}`}
        </Styled>
      ))}
      {pending.length > 0 ? (
        <Styled
          style={theme.text.muted}
        >{`  ${pending.join(", ")}: a folder, not a file; use \`blindspot report --format evidence\``}</Styled>
      ) : null}
      <Text> </Text>
      <Styled style={theme.text.accent}>Path</Styled>
      <Text wrap="truncate-middle">
        <Text>{state.path}</Text>
        {state.isEditingPath ? <Styled style={theme.text.selected}> </Styled> : null}
      </Text>
      <Styled style={theme.text.muted}>{resolvedPath}</Styled>
      <Text> </Text>
      {state.confirmPath ? (
        <Styled style={theme.text.warning}>{`${state.confirmPath} exists. Overwrite it? (y/n)`}</Styled>
      ) : state.isWriting ? (
        <Styled style={theme.text.info}>writing…</Styled>
      ) : state.isEditingPath ? (
        <Styled style={theme.text.muted}>type the path · Enter keeps it · Esc cancels</Styled>
      ) : (
        <Styled style={theme.text.muted}>↑/↓ format · e edit path · w write (atomically)</Styled>
      )}
    </Pane>
  );
}
