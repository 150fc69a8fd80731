import type { Command } from "commander";
import { type Analysis, analyze } from "../../../analyzers/index.js";
import type { Config } from "../../config/schema.js";
import { UserError } from "../../errors.js";
import { SEVERITIES, severityAtLeast } from "../../model/common.js";
import type { ScanEventSink } from "../../model/events.js";
import type { Snapshot } from "../../model/snapshot.js";
import {
  assertReportTarget,
  jsonReportChunks,
  REPORT_FORMATS,
  type ReportFormat,
  summarize,
  writeReport,
} from "../../report/index.js";
import { DEFAULT_ROLE_NAME, type ScanOptions } from "../../scan/options.js";
import { writeChunks } from "../../util/fs.js";
import type { CommandContext } from "../context.js";
import { intIn, oneOf, parseList, parseSeverity, parseShard, pick } from "../options.js";

/** Adds the scan flags to a command (`scan`, and later the TUI entry points). */
export function addScanOptions(cmd: Command): Command {
  return cmd
    .option("--aws", "scan AWS (default: every cloud with credentials)")
    .option("--azure", "scan Azure (default: every cloud with credentials)")
    .option("--org", "enumerate the AWS Organization and assume a role into each member account")
    .option("--profile <name>", "AWS profile to start from")
    .option(
      "--endpoint-url <url>",
      "send every AWS call to this endpoint (emulator or simulator; default AWS_ENDPOINT_URL)",
    )
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
    .option("--out <path>", "write the report (default format json: the snapshot with findings) to PATH atomically")
    .option("--format <format>", `format of --out: ${REPORT_FORMATS.join("|")}`, oneOf(REPORT_FORMATS), "json")
    .option("--json", "print the snapshot with findings as JSON on standard output; progress as JSON lines on stderr")
    .option("--fail-on <severity>", "exit 3 when a failing finding is at or above this severity", parseSeverity)
    .option("--concurrency <n>", "HTTP requests in flight at once across all scopes and both clouds", intIn(1, 256), 16)
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
    cloudsExplicit: !both,
    org: Boolean(pick(cmd, config, "org")),
    profile: pick(cmd, config, "profile"),
    endpointUrl: pick(cmd, config, "endpoint-url"),
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
    const options = resolveScanOptions(cmd, config);
    const format = (pick(cmd, config, "format") ?? "json") as ReportFormat;
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UserError(`unknown report format "${format}"`, { hint: `use one of ${REPORT_FORMATS.join(", ")}` });
    }
    assertReportTarget(format, options.out);
    const { io } = ctx;
    // One JSON line per event, written in batches (one write per turn of the event loop, not per API call).
    const events = options.json ? batchedLines(io.stderr) : undefined;
    const emit: ScanEventSink = events ? (e) => events.write(`${JSON.stringify(e)}\n`) : () => {};
    // loaded on use: the SDK clients are heavy and other commands (and --help) should not pay for them
    const { runScan } = await import("../../scan/index.js");
    let snapshot: Snapshot;
    try {
      snapshot = await runScan(options, { env: io.env, signal: io.signal, emit });
    } finally {
      events?.flush();
    }
    if (!snapshot.aws && !snapshot.azure) {
      throw new UserError("no cloud could be scanned: neither AWS nor Azure credentials were found", {
        hint: "set AWS credentials (--profile, AWS_PROFILE or AWS_ACCESS_KEY_ID) or run `az login`; --aws or --azure says why",
        exitCode: 1,
      });
    }
    const analysis = analyze(snapshot, {
      retentionDays: options.retentionDays,
      suppressions: config.suppressions ?? [],
    });
    // --json with a json --out: the report is rendered once and written to both.
    const tee = Boolean(options.json && options.out && format === "json");
    if (options.out) {
      await writeReport({ format, snapshot, analysis, out: options.out, stdout: io.stdout, alsoStdout: tee });
    }
    if (options.json && !tee) await writeChunks(io.stdout, jsonReportChunks(snapshot, analysis));
    if (!options.json) io.stdout.write(humanSummary(snapshot, analysis, options.out));
    if (
      options.failOn &&
      analysis.findings.some((f) => f.status === "fail" && severityAtLeast(f.severity, options.failOn!))
    ) {
      ctx.setExit(3);
    }
  });
}

/** A few lines for a terminal or a CI log when neither --json nor the TUI is in use. */
export function humanSummary(snapshot: Snapshot, analysis: Analysis, out: string | undefined): string {
  const s = summarize(analysis);
  const accounts = snapshot.aws?.accounts.length ?? 0;
  const regions = (snapshot.aws?.accounts ?? []).reduce((n, a) => n + a.regions.filter((r) => r.scanned).length, 0);
  const subs = snapshot.azure?.subscriptions.length ?? 0;
  const sev = SEVERITIES.filter((x) => s.failingBySeverity[x] > 0)
    .map((x) => `${s.failingBySeverity[x]} ${x}`)
    .join(", ");
  const coverage = s.coverageRatio === null ? "n/a" : `${Math.round(s.coverageRatio * 1000) / 10}%`;
  return [
    `Scanned ${accounts} AWS account(s) (${regions} region scans) and ${subs} Azure subscription(s)${snapshot.complete ? "" : " - INCOMPLETE"}.`,
    `Coverage ${coverage} of cells (${s.cells.covered} covered, ${s.cells.partial} partial, ${s.cells.uncovered} uncovered, ${s.cells.unknown} unknown).`,
    `Findings: ${s.findings.fail} failing${sev ? ` (${sev})` : ""}, ${s.findings.unknown} unknown, ${s.findings.muted} muted, ${s.findings.pass} passing.`,
    out ? `Wrote ${out}.` : "Save it with --out FILE, or print it with --json.",
    "",
  ].join("\n");
}

/** Lines to a stream, joined into one write per turn of the event loop; `flush()` writes what is pending now. */
export function batchedLines(out: { write(chunk: string): unknown }): { write(line: string): void; flush(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = pending.join("");
    pending = [];
    out.write(chunk);
  };
  return {
    write(line) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
