import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

describe("tui and demo commands without a terminal", () => {
  it("tui --from FILE refuses in one line, suggesting report --format json / scan --json, exit 2", async () => {
    const r = await cli(["tui", "--from", "scan.json"], { isTTY: false });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("needs a terminal");
    expect(r.stderr).toContain("blindspot report --from scan.json --format json");
    expect(r.stderr).toContain("scan --json");
  });

  it("demo refuses in one line without a terminal, exit 2", async () => {
    const r = await cli(["demo"], { isTTY: false });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("needs a terminal");
    expect(r.stderr).toContain("scan --json");
  });

  it("tui on a terminal with a bad snapshot path fails before drawing", async () => {
    const r = await cli(["tui", "--from", "missing.json"], { isTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read snapshot missing.json (no such file)");
  });
});

describe("scan options for the live TUI (demo, bare blindspot)", () => {
  it("are the scan defaults merged with the config file: both clouds, 90 days", async () => {
    const { writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { Writable } = await import("node:stream");
    const { buildProgram } = await import("../../src/cli/main.js");
    const { defaultScanOptions } = await import("../../src/cli/commands/tui.js");
    const { tempDir } = await import("../helpers/cli.js");
    const cwd = tempDir();
    writeFileSync(join(cwd, "blindspot.config.json"), JSON.stringify({ "sample-days": 3 }));
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const { ctx } = buildProgram({
      stdout: sink,
      stderr: sink,
      env: {},
      cwd,
      isTTY: true,
      signal: new AbortController().signal,
    });
    const options = await defaultScanOptions(ctx);
    expect(options.aws).toBe(true);
    expect(options.azure).toBe(true);
    expect(options.retentionDays).toBe(90);
    expect(options.sampleDays).toBe(3);
  });
});
