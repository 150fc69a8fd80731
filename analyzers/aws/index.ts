/** The aws.* configuration analyzers and the AWS coverage verdicts. */
import type { Analyzer } from "../context.js";
import { analyzeGlobalEvents, analyzeRegionCoverage, awsCoverage } from "./coverage.js";
import { analyzeDestinations } from "./destinations.js";
import { analyzeTrails } from "./trails.js";

/** Analyzers of the aws.* checks. */
export const AWS_ANALYZERS: readonly Analyzer[] = [
  analyzeRegionCoverage,
  analyzeGlobalEvents,
  analyzeTrails,
  analyzeDestinations,
];

/** Coverage verdict per AWS account × region. */
export { awsCoverage };
