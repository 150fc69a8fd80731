import type { Severity } from "../model/common.js";

/** Everything a scan needs, after flags, config and defaults are merged. Credentials are never part of it. */
export interface ScanOptions {
  aws: boolean;
  azure: boolean;
  /** true when --aws/--azure (or the config) chose the clouds; false when both are tried by default, and a cloud
   * without credentials is skipped with a warning instead of failing the scan. */
  cloudsExplicit: boolean;
  org: boolean;
  profile?: string;
  /** AWS endpoint override for every service (`--endpoint-url`, else AWS_ENDPOINT_URL): emulators, the simulator. */
  endpointUrl?: string;
  roleName: string;
  externalId?: string;
  accounts?: string[];
  excludeAccounts?: string[];
  regions?: string[];
  subscriptions?: string[];
  excludeSubscriptions?: string[];
  tenant?: string;
  retentionDays: number;
  sampleDays: number;
  sample: boolean;
  sampleMax: number;
  siemExport?: string;
  out?: string;
  json: boolean;
  failOn?: Severity;
  concurrency: number;
  shard?: { index: number; count: number };
}

export const DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole";
