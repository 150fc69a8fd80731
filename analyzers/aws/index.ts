// PLACEHOLDER owned by the AWS coverage work.
import type { Analyzer, AnalyzerContext } from "../context.js";
import type { CellVerdict } from "../coverage.js";

/** Analyzers of the aws.* checks. */
export const AWS_ANALYZERS: readonly Analyzer[] = [];

/** Coverage verdict per AWS account × region. */
export function awsCoverage(_ctx: AnalyzerContext): CellVerdict[] {
  return [];
}
