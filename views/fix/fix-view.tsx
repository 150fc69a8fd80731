import { Box, Text } from "ink";
import { getCheck } from "../../src/model/checks.js";
import type { Finding } from "../../src/model/finding.js";
import { scopeLabel } from "../../src/model/scope.js";
import { clip, Pane, Styled } from "../components/styled.js";
import type { Layout } from "../layout.js";
import type { FixFormat } from "../state/export-reducer.js";
import { useTheme } from "../theme-context.js";

/** Props of {@link FixView}. */
export interface FixViewProps {
  /** The marked findings, or the selected one when nothing is marked. */
  readonly findings: readonly Finding[];
  /** Whether `findings` are the marked ones (else the cursor's). */
  readonly isMarkedSelection: boolean;
  readonly format: FixFormat;
  readonly layout: Layout;
}

/** The message shown instead of scripts until the remediation generators land. Exported for tests. */
export const FIX_PENDING =
  "Fix scripts are not generated in this build: the remediation generators (src/remediate, `blindspot fix`) have not landed yet.";

/** Fix preview: what would be fixed and how, per finding; honest about the missing script generators. */
export function FixView({ findings, isMarkedSelection, format, layout }: FixViewProps) {
  const theme = useTheme();
  const width = layout.columns;
  const open = findings.filter((f) => f.status === "fail" || f.status === "unknown");
  return (
    <Pane height={layout.bodyRows} width={width}>
      <Text wrap="truncate-end">
        <Styled style={theme.text.title}>
          {`Fix preview · ${findings.length} ${isMarkedSelection ? "marked" : "selected"} finding(s)  `}
        </Styled>
        <Styled style={format === "bash" ? theme.text.selected : theme.text.muted}>{" bash "}</Styled>
        <Text> </Text>
        <Styled style={format === "terraform" ? theme.text.selected : theme.text.muted}>{" Terraform "}</Styled>
        <Styled style={theme.text.muted}>{"  (b toggles)"}</Styled>
      </Text>
      <Box marginY={1} flexDirection="column">
        <Styled style={theme.text.warning} isTruncated={false}>
          {FIX_PENDING}
        </Styled>
        <Styled style={theme.text.muted} isTruncated={false}>
          {`The ${format === "bash" ? "bash (aws/az CLI)" : "Terraform (aws/azurerm)"} output is pending; below is the catalogue's remediation summary, not a script.`}
        </Styled>
      </Box>
      {findings.length === 0 ? (
        <Styled style={theme.text.muted}>Select or mark findings in the findings view (2, space) first.</Styled>
      ) : null}
      {findings.length > 0 && open.length === 0 ? (
        <Styled style={theme.text.muted}>None of these findings is failing: nothing to fix.</Styled>
      ) : null}
      {findings.map((f) => (
        <Box key={f.id} flexDirection="column">
          <Text wrap="truncate-end">
            <Styled style={theme.severity[f.severity]}>{`${f.severity} `}</Styled>
            <Text>{clip(`${f.checkId} · ${scopeLabel(f.scope)}`, width - f.severity.length - 1)}</Text>
          </Text>
          <Text wrap="truncate-end">{`  ${getCheck(f.checkId)?.remediation ?? "no catalogue entry"}`}</Text>
          {f.remediationIds.length > 0 ? (
            <Styled style={theme.text.muted}>{`  remediation ids: ${f.remediationIds.join(", ")}`}</Styled>
          ) : null}
        </Box>
      ))}
    </Pane>
  );
}
