/** The blind-spot analyzers (AWS and Azure): delivery to the SIEM, delivery gaps, tampering, retention proof. */
import type { Finding } from "../../src/model/finding.js";
import type { Analyzer, AnalyzerContext } from "../context.js";
import { analyzeAwsBlindSpots, analyzeAwsRetentionProof, analyzeAwsTamper } from "./aws.js";
import {
  analyzeAzureBlindSpots,
  analyzeAzureFailedLogins,
  analyzeAzureRetentionProof,
  analyzeAzureTamper,
} from "./azure.js";

export const SIEM_ANALYZERS: readonly Analyzer[] = [
  analyzeAwsBlindSpots,
  analyzeAwsTamper,
  analyzeAwsRetentionProof,
  analyzeAzureBlindSpots,
  analyzeAzureFailedLogins,
  analyzeAzureTamper,
  analyzeAzureRetentionProof,
];

/** Every blind-spot analyzer at once (tests). */
export function analyzeSiem(ctx: AnalyzerContext): Finding[] {
  return SIEM_ANALYZERS.flatMap((a) => a(ctx));
}
