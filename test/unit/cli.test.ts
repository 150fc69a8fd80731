import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../../src/model/checks.js";
import { cli, tempDir } from "../helpers/cli.js";

const BIN = fileURLToPath(new URL("../../bin/blindspot.js", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("blindspot CLI surface", () => {
  it("--help lists every command and the exit codes", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["scan", "report", "fix", "tui", "demo", "sim", "checks", "diff", "merge"]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
    }
    expect(r.stdout).toContain("3  findings at or above --fail-on");
    expect(r.stdout).toContain("2  usage or input error");
  });

  it("every command has --help", async () => {
    for (const cmd of ["scan", "report", "fix", "tui", "demo", "sim", "checks", "diff", "merge"]) {
      const r = await cli([cmd, "--help"]);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: blindspot ${cmd}`);
    }
    const scan = await cli(["scan", "--help"]);
    for (const flag of [
      "--aws",
      "--azure",
      "--org",
      "--role-name",
      "--accounts",
      "--regions",
      "--subscriptions",
      "--retention-days",
      "--sample-days",
      "--no-sample",
      "--out",
      "--json",
      "--fail-on",
    ]) {
      expect(scan.stdout).toContain(flag);
    }
  });

  it("--version prints the package version", async () => {
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("an unknown command or flag is a one-line usage error, exit 2", async () => {
    const a = await cli(["scna"]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split("\n")).toHaveLength(1);
    expect(a.stderr).toContain("unknown command 'scna'");
    const b = await cli(["checks", "--jsno"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown option '--jsno'/);
    expect(b.stderr).toContain("--json");
  });

  it("a bad flag value names the flag and the allowed values, exit 2", async () => {
    const r = await cli(["scan", "--retention-days", "ninety"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--retention-days");
    expect(r.stderr).toContain("whole number from 1 to 3653");
    const s = await cli(["scan", "--fail-on", "severe"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("critical, high, medium, low, info");
    const t = await cli(["scan", "--accounts", "12345"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('"12345" is not an AWS account id');
  });

  it("merge of a missing snapshot refuses with one line and exit 2", async () => {
    for (const args of [["merge", "a", "--out", "b"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^blindspot: cannot read snapshot .*a \(no such file\)/);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
  });

  it("the interactive commands refuse without a terminal, suggesting machine-readable output, exit 2", async () => {
    for (const args of [["tui", "--from", "x.json"], ["demo"]]) {
      const r = await cli(args, { isTTY: false });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/needs a terminal/);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
  });

  it("scan --aws without AWS credentials says so in one line with the fix, exit 1", async () => {
    const env = {
      AWS_PROFILE: "blindspot-test-missing",
      AWS_CONFIG_FILE: "/nonexistent/blindspot/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/blindspot/credentials",
    };
    const r = await cli(["scan", "--aws"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^blindspot: no AWS credentials found/);
    expect(r.stderr).toContain("--profile");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    // Clouds not chosen explicitly: a cloud without credentials is skipped (a warning event); when no cloud at all
    // could be scanned that is an error, not an empty "clean" report.
    const both = await cli(["scan", "--json"], { env: { ...env, AZURE_CLIENT_ID: "", AZURE_TENANT_ID: "" } });
    expect(both.stderr).toContain('"type":"warning"');
    expect(both.stderr).toContain("AWS skipped: no AWS credentials found");
    expect(both.stderr).toMatch(/^blindspot: no cloud could be scanned/m);
    expect(both.code).toBe(1);
    expect(both.stdout).toBe("");
  });

  it("without a command and without a terminal suggests scan --json, exit 2", async () => {
    const r = await cli([], { isTTY: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("scan --json");
  });

  it("checks prints the catalogue as a table and as JSON", async () => {
    const table = await cli(["checks"]);
    expect(table.code).toBe(0);
    for (const c of CHECKS) expect(table.stdout).toContain(c.id);
    expect(table.stdout).toContain(`${CHECKS.length} checks`);
    expect(table.stdout).not.toContain("\u001b["); // not a terminal: no colour
    const json = await cli(["checks", "--json", "--cloud", "azure"]);
    const parsed = JSON.parse(json.stdout) as { id: string; severity: string; controls: string[] }[];
    expect(parsed.length).toBe(CHECKS.filter((c) => c.cloud === "azure").length);
    expect(parsed.every((c) => c.id.startsWith("azure."))).toBe(true);
    expect(parsed.find((c) => c.id === "azure.activity.export-missing")?.controls).toContain("CIS Azure v2.0 5.1.1");
  });

  it("colours severities only when allowed (FORCE_COLOR, not NO_COLOR, not --no-color)", async () => {
    const forced = await cli(["checks"], { env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\u001b[");
    const off = await cli(["checks"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(off.stdout).not.toContain("\u001b[");
    const flag = await cli(["--no-color", "checks"], { env: { FORCE_COLOR: "1" } });
    expect(flag.stdout).not.toContain("\u001b[");
  });
});

describe("bin/blindspot.js launcher", () => {
  it("runs the built CLI", () => {
    const out = execFileSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    expect(out.trim()).toBe(pkg.version);
  });

  it("refuses an older Node with one line and exit 1, no stack", () => {
    const dir = tempDir();
    const preload = join(dir, "old-node.mjs");
    writeFileSync(
      preload,
      'Object.defineProperty(process.versions, "node", { value: "20.11.1" });\nObject.defineProperty(process, "version", { value: "v20.11.1" });\n',
    );
    const r = spawnSync(process.execPath, ["--import", preload, BIN, "checks"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("needs Node.js 22.12 or newer, this is v20.11.1");
  });

  it("exit code 2 reaches the shell for usage errors", () => {
    const r = spawnSync(process.execPath, [BIN, "report"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--from");
  });
});
