import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/load.js";
import { UserError } from "../../src/errors.js";
import { cli, tempDir } from "../helpers/cli.js";

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("config file", () => {
  it("parses YAML with the flag names as keys", () => {
    const c = parseConfig(
      "retention-days: 365\nregions: [eu-west-1, us-east-1]\nfail-on: high\nsuppressions:\n  - check: aws.bucket.not-worm\n    reason: WORM via backup vault\n    expires: 2027-03-31\n",
      "/x/blindspot.config.yaml",
    );
    expect(c["retention-days"]).toBe(365);
    expect(c.regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(c.suppressions?.[0]?.check).toBe("aws.bucket.not-worm");
  });

  it("an unknown key names it and suggests the right one", () => {
    const e = errorOf(() => parseConfig("retention_days: 90\n", "/x/blindspot.config.yaml"));
    expect(e.message).toBe('blindspot.config.yaml: unknown key "retention_days" (did you mean "retention-days"?)');
    expect(e.exitCode).toBe(2);
  });

  it("a wrong type names the key and the expected type", () => {
    const e = errorOf(() => parseConfig('{"retention-days": "ninety"}', "/x/blindspot.config.json"));
    expect(e.message).toBe("blindspot.config.json: retention-days must be a number");
    const l = errorOf(() => parseConfig("regions: eu-west-1\n", "/x/blindspot.config.yaml"));
    expect(l.message).toBe("blindspot.config.yaml: regions must be a list");
  });

  it("out-of-range values and bad suppressions are refused with the path", () => {
    expect(errorOf(() => parseConfig("sample-days: 91\n", "/x/c.yaml")).message).toMatch(/^c\.yaml: sample-days: /);
    const s = errorOf(() =>
      parseConfig("suppressions:\n  - check: x\n    reason: r\n    expires: soon\n", "/x/c.yaml"),
    );
    expect(s.message).toBe("c.yaml: suppressions[0].expires: expires must be a date like 2027-03-31");
  });

  it("invalid syntax and a non-mapping are one-line errors", () => {
    expect(errorOf(() => parseConfig("{not json", "/x/c.json")).message).toMatch(/^c\.json is not valid JSON: /);
    expect(errorOf(() => parseConfig("- a\n- b\n", "/x/c.yaml")).message).toBe(
      "c.yaml must be a mapping of option names to values",
    );
  });

  it("is found in the working folder, and a missing --config file is an error", async () => {
    const dir = tempDir();
    expect((await loadConfig(dir)).path).toBeUndefined();
    writeFileSync(join(dir, "blindspot.config.json"), '{"retention-days": 120}');
    const found = await loadConfig(dir);
    expect(found.path).toBe(join(dir, "blindspot.config.json"));
    expect(found.config["retention-days"]).toBe(120);
    await expect(loadConfig(dir, "missing.yaml")).rejects.toThrow("config file missing.yaml cannot be read (ENOENT)");
  });

  it("through the CLI: bad config exits 2 with one line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "blindspot.config.yaml"), "retention_days: 90\n");
    const r = await cli(["scan"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown key "retention_days"');
    const m = await cli(["--config", "nope.yaml", "scan"], { cwd: dir });
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("config file nope.yaml cannot be read");
  });
});
