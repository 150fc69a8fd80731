import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSnapshot } from "../../src/snapshot/io.js";
import { tuiSnapshot } from "../helpers/tui-fixtures.js";

const FILE = join(import.meta.dirname, "..", "fixtures", "tui-snapshot.json");

describe("test/fixtures/tui-snapshot.json", () => {
  it("is the TUI fixture snapshot and a valid snapshot (UPDATE_TUI_FIXTURE=1 rewrites it)", () => {
    const expected = `${JSON.stringify(tuiSnapshot(), null, 2)}\n`;
    if (process.env.UPDATE_TUI_FIXTURE) writeFileSync(FILE, expected);
    const text = readFileSync(FILE, "utf8");
    expect(text).toBe(expected);
    const parsed = parseSnapshot(JSON.parse(text), "tui-snapshot.json");
    expect(parsed.aws?.accounts[0]?.samples.length).toBe(3);
  });
});
