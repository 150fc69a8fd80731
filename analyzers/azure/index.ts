import type { Analyzer } from "../context.js";
import { analyzeActivityExport, analyzeLogProfiles } from "./activity.js";
import { analyzeDestinations } from "./destinations.js";
import { analyzeEntra } from "./entra.js";

export { azureCoverage } from "./coverage.js";

/**
 * Analyzers of the azure.* configuration checks. azure.subscription.unscanned is decided in ../access.ts with the
 * other scope-access checks.
 */
export const AZURE_ANALYZERS: readonly Analyzer[] = [
  analyzeActivityExport,
  analyzeLogProfiles,
  analyzeDestinations,
  analyzeEntra,
];
