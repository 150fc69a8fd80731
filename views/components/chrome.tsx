import { Box, Text } from "ink";
import { CATEGORY_TITLE, commands, hintsFor, type KeyCategory, keyLabel, type ViewId } from "../keymap.js";
import type { Layout } from "../layout.js";
import type { StatusMessage } from "../state/app-reducer.js";
import { COMMAND_LINE_HELP } from "../state/command-line.js";
import { useTheme } from "../theme-context.js";
import { clip, Pane, padTo, Styled } from "./styled.js";

/** Props of {@link Header}. */
export interface HeaderProps {
  /** `3 AWS accounts · 17 regions · 2 Azure subscriptions`. */
  readonly scope: string;
  /** When the scan finished (ISO). */
  readonly scannedAt: string;
  /** Where the data came from: `file x.json`, `demo simulator`, `live scan`. */
  readonly source: string;
  /** The scan was cut short: missing scopes are unknown. */
  readonly isIncomplete: boolean;
  readonly layout: Layout;
  /** `Overview › 111111111111 eu-west-1 › Findings`. */
  readonly breadcrumbs: readonly string[];
}

/** Header line (scope, scan time, incomplete marker) and breadcrumbs (hidden on short terminals). */
export function Header({ scope, scannedAt, source, isIncomplete, layout, breadcrumbs }: HeaderProps) {
  const theme = useTheme();
  const time = scannedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
  return (
    <Box flexDirection="column" width={layout.columns}>
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>blindspot</Styled>
        {isIncomplete ? <Styled style={theme.text.error}>{" INCOMPLETE SCAN"}</Styled> : null}
        {layout.isShort ? <Styled style={theme.text.accent}>{` ${breadcrumbs.join(" › ")}`}</Styled> : null}
        <Styled style={theme.text.muted}>{" │ "}</Styled>
        <Text>{scope}</Text>
        <Styled style={theme.text.muted}>{` │ scanned ${time} │ ${source}`}</Styled>
      </Text>
      {layout.isShort ? null : (
        <Text wrap="truncate-end">
          <Styled style={theme.text.accent}>{breadcrumbs.join(" › ")}</Styled>
        </Text>
      )}
    </Box>
  );
}

/** Props of {@link StatusBar}. */
export interface StatusBarProps {
  readonly view: ViewId;
  readonly status: StatusMessage | undefined;
  readonly layout: Layout;
  /** Open command line text (without `:`), or undefined when closed. */
  readonly commandText: string | undefined;
  /** Editing prompt (filter, path) to show instead of the hints. */
  readonly prompt?: string;
}

/** Bottom lines: status message (clears after a few seconds) and key hints from the keymap registry. */
export function StatusBar({ view, status, layout, commandText, prompt }: StatusBarProps) {
  const theme = useTheme();
  const hints = hintsFor(view);
  const hintLine = (
    <Text wrap="truncate-end">
      {hints.map((h) => (
        <Text key={`${h.key}-${h.label}`}>
          <Styled style={theme.text.key}>{h.key}</Styled>
          <Styled style={theme.text.muted}>{` ${h.label}  `}</Styled>
        </Text>
      ))}
    </Text>
  );
  const statusStyle =
    status?.level === "error" ? theme.text.error : status?.level === "warn" ? theme.text.warning : theme.text.info;
  const top =
    commandText !== undefined ? (
      <Text wrap="truncate-end">
        <Styled style={theme.text.key}>:</Styled>
        <Text>{commandText}</Text>
        <Styled style={theme.text.selected}> </Styled>
      </Text>
    ) : prompt !== undefined ? (
      <Text wrap="truncate-end">
        <Text>{prompt}</Text>
        <Styled style={theme.text.selected}> </Styled>
      </Text>
    ) : status ? (
      <Styled style={statusStyle}>{status.text}</Styled>
    ) : null;
  if (layout.isShort) {
    return <Box width={layout.columns}>{top ?? hintLine}</Box>;
  }
  return (
    <Box flexDirection="column" width={layout.columns}>
      {top ?? <Text> </Text>}
      {hintLine}
    </Box>
  );
}

/** Props of {@link HelpOverlay}. */
export interface HelpOverlayProps {
  readonly view: ViewId;
  readonly layout: Layout;
  /** First help line shown (↑/↓ scroll). @default 0 */
  readonly offset?: number;
}

/** Lines of the help overlay for a view (also used to bound scrolling). */
export function helpLines(view: ViewId): { key: string; text: string; isTitle?: boolean }[] {
  const order: KeyCategory[] = [view, "navigation", "global"];
  const lines: { key: string; text: string; isTitle?: boolean }[] = [];
  for (const category of order) {
    const entries = commands().filter(([, spec]) => spec.category === category);
    if (entries.length === 0) continue;
    lines.push({ key: `t-${category}`, text: CATEGORY_TITLE[category], isTitle: true });
    for (const [id, spec] of entries) {
      lines.push({ key: id, text: `  ${padTo(spec.keys.map(keyLabel).join(" "), 16)} ${spec.description}` });
    }
  }
  lines.push({ key: "t-cmd", text: "Command line", isTitle: true });
  for (const c of COMMAND_LINE_HELP) {
    lines.push({ key: c.usage, text: `  ${padTo(c.usage, 44)} ${c.description}` });
  }
  return lines;
}

/** `?` help, generated from the keymap registry: the current view's keys first, then navigation and global. */
export function HelpOverlay({ view, layout, offset = 0 }: HelpOverlayProps) {
  const theme = useTheme();
  const all = helpLines(view);
  const lines = all.slice(Math.min(offset, Math.max(0, all.length - 1)));
  const width = layout.columns;
  return (
    <Pane height={layout.bodyRows} width={width}>
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>Help</Styled>
        <Styled
          style={theme.text.muted}
        >{`  (Esc or ? closes${all.length > layout.bodyRows - 1 ? ", ↑/↓ scroll" : ""})`}</Styled>
      </Text>
      {lines.map((l) =>
        l.isTitle ? (
          <Styled key={l.key} style={theme.text.accent}>
            {l.text}
          </Styled>
        ) : (
          <Text key={l.key} wrap="truncate-end">
            {clip(l.text, width)}
          </Text>
        ),
      )}
    </Pane>
  );
}
