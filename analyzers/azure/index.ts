// PLACEHOLDER owned by the Azure coverage work.
import type { Analyzer, AnalyzerContext } from "../context.js";
import type { CellVerdict } from "../coverage.js";

/** Analyzers of the azure.* checks. */
export const AZURE_ANALYZERS: readonly Analyzer[] = [];

/** Coverage verdict per Azure subscription. */
export function azureCoverage(_ctx: AnalyzerContext): CellVerdict[] {
  return [];
}
