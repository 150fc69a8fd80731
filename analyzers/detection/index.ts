import type { Analyzer } from "../context.js";
import { analyzeAwsDetection } from "./aws.js";
import { analyzeAzureDetection } from "./azure.js";

export { analyzeAwsDetection } from "./aws.js";
export { analyzeAzureDetection } from "./azure.js";
export { CIS_AWS_CLASSES, type CisAwsClass } from "./cis-aws.js";
export { CIS_AZURE_ALERT_OPERATIONS } from "./cis-azure.js";
export { covers, describeGap, judgeFilter } from "./judge.js";

/** Detection coverage: aws.alert.missing, azure.alert.missing. */
export const DETECTION_ANALYZERS: readonly Analyzer[] = [analyzeAwsDetection, analyzeAzureDetection];
