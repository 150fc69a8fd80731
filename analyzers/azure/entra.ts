/** azure.entra.signin-export-missing: are interactive and non-interactive sign-ins exported somewhere? */
import type { Finding } from "../../src/model/finding.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import { describeSetting, destinations, errorEvidence, exportsCategory, SIGNIN_CATEGORIES } from "./facts.js";

export function analyzeEntra({ snapshot }: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const t of snapshot.azure?.tenants ?? []) {
    const probe = t.entraDiagnosticSettings;
    if (!probe) continue;
    const scope = { cloud: "azure" as const, tenantId: t.tenantId };
    if (probe.state === "error") {
      const denied = probe.error.kind === "denied";
      out.push(
        makeFinding({
          checkId: "azure.entra.signin-export-missing",
          status: "unknown",
          scope,
          title: denied
            ? `Entra ID diagnostic settings of tenant ${t.tenantId} could not be read (needs Security Reader / Global Reader)`
            : `Entra ID diagnostic settings of tenant ${t.tenantId} could not be read`,
          evidence: [
            errorEvidence("error", probe.error),
            ...(denied
              ? [
                  {
                    label: "needs",
                    value: "Security Reader or Global Reader in Entra ID (reading microsoft.aadiam/diagnosticSettings)",
                  },
                ]
              : []),
          ],
        }),
      );
      continue;
    }
    const at = t.readAt;
    const where = Object.fromEntries(
      SIGNIN_CATEGORIES.map((c) => [
        c,
        probe.value.filter((s) => exportsCategory(s, c)).flatMap((s) => destinations(s).map((d) => `${s.name}: ${d}`)),
      ]),
    );
    const missing = SIGNIN_CATEGORIES.filter((c) => (where[c] ?? []).length === 0);
    const evidence = [
      {
        label: "Entra diagnostic settings",
        value: probe.value.map(describeSetting),
        source: "arm:aadiamDiagnosticSettings.list",
        ...(at ? { at } : {}),
      },
      { label: "sign-in categories exported to", value: where },
      { label: "missing categories", value: missing },
    ];
    out.push(
      makeFinding({
        checkId: "azure.entra.signin-export-missing",
        status: missing.length > 0 ? "fail" : "pass",
        scope,
        title:
          missing.length > 0
            ? `Entra ID sign-in logs of tenant ${t.tenantId} are not exported: ${missing.join(", ")}`
            : `Entra ID sign-in logs of tenant ${t.tenantId} are exported (${SIGNIN_CATEGORIES.join(", ")})`,
        evidence,
      }),
    );
  }
  return out;
}
