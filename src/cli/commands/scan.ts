import type { Command } from "commander";
import type { Config } from "../../config/schema.js";
import { UserError } from "../../errors.js";
import type { Severity } from "../../model/common.js";
import type { CommandContext } from "../context.js";
import { intIn, parseList, parseSeverity, parseShard, pick } from "../options.js";
import { notAvailableYet } from "./not-yet.js";

/** Everything a scan needs, after flags, config and defaults are merged. Credentials are never part of it. */
export interface ScanOptions {
  aws: boolean;
  azure: boolean;
  org: boolean;
  profile?: string;
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

/** Adds the scan flags to a command (`scan`, and later the TUI entry points). */
export function addScanOptions(cmd: Command): Command {
  return cmd
    .option("--aws", "scan AWS (default: every cloud with credentials)")
    .option("--azure", "scan Azure (default: every cloud with credentials)")
    .option("--org", "enumerate the AWS Organization and assume a role into each member account")
    .option("--profile <name>", "AWS profile to start from")
    .option("--role-name <name>", "role to assume in member accounts", DEFAULT_ROLE_NAME)
    .option("--external-id <id>", "external id for the member-account role")
    .option("--accounts <ids>", "only these AWS account ids (comma-separated)", parseList)
    .option("--exclude-accounts <ids>", "skip these AWS account ids", parseList)
    .option("--regions <names>", "only these AWS regions (default: every enabled region)", parseList)
    .option("--subscriptions <ids>", "only these Azure subscription ids", parseList)
    .option("--exclude-subscriptions <ids>", "skip these Azure subscription ids", parseList)
    .option("--tenant <id>", "Azure tenant id")
    .option("--retention-days <days>", "minimum retention required", intIn(1, 3653), 90)
    .option("--sample-days <days>", "blind-spot sampling window", intIn(1, 90), 7)
    .option("--no-sample", "skip blind-spot sampling (configuration checks only)")
    .option("--sample-max <n>", "events sampled per class and scope", intIn(1, 100_000), 200)
    .option("--siem-export <file>", "event ids exported from your SIEM (CSV, JSON or one per line)")
    .option("--out <file>", "write the snapshot with findings to FILE (atomically)")
    .option("--json", "print the snapshot with findings as JSON on standard output; progress as JSON lines on stderr")
    .option("--fail-on <severity>", "exit 3 when a failing finding is at or above this severity", parseSeverity)
    .option("--concurrency <n>", "parallel API calls across scopes", intIn(1, 256), 16)
    .option("--shard <K/N>", "scan only shard K of N (accounts and subscriptions split deterministically)", parseShard);
}

/** Merges flags over the config file over defaults and checks combinations. */
export function resolveScanOptions(cmd: Command, config: Config): ScanOptions {
  const o = cmd.opts<{ json?: boolean; shard?: { index: number; count: number } }>();
  const awsFlag = pick(cmd, config, "aws");
  const azureFlag = pick(cmd, config, "azure");
  const both = !awsFlag && !azureFlag;
  const options: ScanOptions = {
    aws: both || Boolean(awsFlag),
    azure: both || Boolean(azureFlag),
    org: Boolean(pick(cmd, config, "org")),
    profile: pick(cmd, config, "profile"),
    roleName: pick(cmd, config, "role-name") ?? DEFAULT_ROLE_NAME,
    externalId: pick(cmd, config, "external-id"),
    accounts: pick(cmd, config, "accounts"),
    excludeAccounts: pick(cmd, config, "exclude-accounts"),
    regions: pick(cmd, config, "regions"),
    subscriptions: pick(cmd, config, "subscriptions"),
    excludeSubscriptions: pick(cmd, config, "exclude-subscriptions"),
    tenant: pick(cmd, config, "tenant"),
    retentionDays: pick(cmd, config, "retention-days") ?? 90,
    sampleDays: pick(cmd, config, "sample-days") ?? 7,
    sample: pick(cmd, config, "sample") ?? true,
    sampleMax: pick(cmd, config, "sample-max") ?? 200,
    siemExport: pick(cmd, config, "siem-export"),
    out: pick(cmd, config, "out"),
    json: Boolean(o.json),
    failOn: pick(cmd, config, "fail-on"),
    concurrency: pick(cmd, config, "concurrency") ?? 16,
    shard: o.shard,
  };
  for (const id of [...(options.accounts ?? []), ...(options.excludeAccounts ?? [])]) {
    if (!/^\d{12}$/.test(id))
      throw new UserError(`"${id}" is not an AWS account id`, { hint: "account ids are 12 digits" });
  }
  return options;
}

/** `blindspot scan`. */
export function registerScan(program: Command, ctx: CommandContext): void {
  addScanOptions(
    program
      .command("scan")
      .description("scan AWS and/or Azure and write a snapshot with findings (read-only API calls only)"),
  ).action(async (_opts: unknown, cmd: Command) => {
    const { config } = await ctx.config();
    resolveScanOptions(cmd, config);
    notAvailableYet("scan", "explore a saved snapshot with `blindspot report --from FILE`");
  });
}
