import type { ScanOptions } from "../../src/scan/options.js";

/** Scan options for tests: the CLI's defaults, clouds named explicitly, no sampling; a test overrides what it needs. */
export function testScanOptions(overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    aws: false,
    azure: false,
    cloudsExplicit: true,
    org: false,
    roleName: "OrganizationAccountAccessRole",
    retentionDays: 90,
    sampleDays: 7,
    sample: false,
    sampleMax: 200,
    json: true,
    concurrency: 8,
    ...overrides,
  };
}
