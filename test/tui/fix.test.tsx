import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Analysis } from "../../analyzers/index.js";
import { buildFixPreview, groupSkipped } from "../../views/fix/fix-preview.js";
import { FixView } from "../../views/fix/fix-view.js";
import { calculateLayout } from "../../views/layout.js";
import { fixReducer, INITIAL_FIX } from "../../views/state/fix-reducer.js";
import { tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";
import { type ExplorerHarness, KEY, renderExplorer, renderUi, waitFor } from "./helpers.js";

const UNCOVERED = "69977c83d2fe3d32"; // aws.trail.region-uncovered: has a configuration fix
const EXPORT_MISSING = "75e052a0f3fded6c"; // azure.activity.export-missing: has a configuration fix
const BLIND_SPOT = "505995b2c7200d2b"; // aws.siem.blind-spot: skipped with a reason

let h: ExplorerHarness | undefined;
afterEach(() => h?.unmount());

/** Filters the findings list to one check and returns once it is the only row. */
async function showOnly(harness: ExplorerHarness, check: string) {
  await harness.press("2", "/");
  await harness.type(check);
  await harness.press(KEY.enter);
  await harness.until((f) => f.includes(`</${check}>`) && f.includes("[1/"));
}

describe("fix preview", () => {
  it("a fixable finding shows the generated script header and its id in closes; j/k and PgDn scroll", async () => {
    h = await renderExplorer({ size: { columns: 120, rows: 40 } });
    await showOnly(h, "region-uncovered");
    let f = await h.press("4");
    f = await h.until((x) => x.includes("Fix preview · 1 selected finding(s)"));
    expect(f).toContain(`closes 1: ${UNCOVERED} aws.trail.region-uncovered`);
    expect(f).toContain("── fix-aws.sh (");
    expect(f).toContain("#!/usr/bin/env bash");
    expect(f).toContain("blindspot fix script for AWS");
    expect(f).toMatch(/fix-aws\.sh · lines 1–\d+ of \d+/);
    expect(f).not.toContain("fix-azure.sh");
    await h.press("j");
    f = await h.until((x) => /lines 2–/.test(x));
    expect(f).not.toContain("── fix-aws.sh (");
    await h.press(KEY.pageDown);
    await h.until((x) => !/lines [12]–/.test(x));
    await h.press("g");
    await h.until((x) => x.includes("lines 1–"));
  });

  it("two marked findings: both are closed and both clouds' scripts are shown; b switches to Terraform", async () => {
    h = await renderExplorer({ size: { columns: 120, rows: 40 } });
    await showOnly(h, "region-uncovered");
    await h.press(KEY.space, KEY.escape);
    await showOnly(h, "export-missing");
    await h.press(KEY.space);
    let f = await h.press("4");
    f = await h.until((x) => x.includes("Fix preview · 2 marked finding(s)"));
    expect(f).toContain(`closes 2: ${UNCOVERED} aws.trail.region-uncovered · ${EXPORT_MISSING}`);
    expect(f).toContain("fix-aws.sh, fix-azure.sh · lines 1–");
    await h.press("G");
    f = await h.until((x) => x.includes("Azure"));
    await h.press("b");
    f = await h.until((x) => x.includes("fix-aws.tf.json, fix-azure.tf.json · lines 1–"));
    expect(f).toContain("── fix-aws.tf.json (");
    expect(f).toContain('"terraform": {');
    expect(f).not.toContain("#!/usr/bin/env bash");
    await h.press("b");
    await h.until((x) => x.includes("── fix-aws.sh ("));
  });

  it("a blind spot shows why it has no script instead of an empty pane; w says there is nothing to write", async () => {
    h = await renderExplorer({ size: { columns: 120, rows: 40 } });
    const f = await h.press("4");
    expect(f).toContain("Fix preview · 1 selected finding(s)");
    expect(f).toContain(`skipped ${BLIND_SPOT} aws.siem.blind-spot: a blind spot is closed by fixing its cause`);
    expect(f).toContain("closes nothing");
    expect(f).toContain("No script: nothing in the selection has a configuration fix");
    expect(f).not.toMatch(/#!\/|set -euo|"resource"/);
    await h.press("w");
    await h.until((x) => x.includes("nothing to write: no selected finding has a configuration fix"));
  });

  it("writes the files into the confirmed folder atomically and asks before overwriting", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "blindspot-tui-fix-"));
    h = await renderExplorer({ size: { columns: 120, rows: 40 }, cwd });
    await showOnly(h, "region-uncovered");
    await h.press("4");
    await h.until((x) => x.includes("── fix-aws.sh ("));
    await h.press("w");
    await h.until((x) => x.includes("write into folder: blindspot-fix/"));
    await h.press(KEY.enter);
    const dir = join(cwd, "blindspot-fix");
    await h.until((x) => x.includes(`Wrote fix-aws.sh to ${dir} (closes 1 finding(s), skipped 0)`));
    const script = readFileSync(join(dir, "fix-aws.sh"), "utf8");
    expect(script).toContain(UNCOVERED);
    expect(script.startsWith("#!/usr/bin/env bash")).toBe(true);
    expect(statSync(join(dir, "fix-aws.sh")).mode & 0o777).toBe(0o755);

    // Existing file: n keeps it.
    writeFileSync(join(dir, "fix-aws.sh"), "keep");
    await h.press("w");
    await h.until((x) => x.includes("write into folder:"));
    await h.press(KEY.enter);
    await h.until((x) => x.includes("file(s) exist in") && x.includes("fix-aws.sh. Overwrite? (y/n)"));
    await h.press("n");
    await h.until((x) => x.includes("not written"));
    expect(readFileSync(join(dir, "fix-aws.sh"), "utf8")).toBe("keep");

    // An edited folder; Terraform writes .tf.json.
    await h.press("b");
    await h.until((x) => x.includes("── fix-aws.tf.json ("));
    await h.press("w");
    await h.until((x) => x.includes("write into folder: blindspot-fix/"));
    await h.press(KEY.backspace);
    await h.type("-tf");
    await h.press(KEY.enter);
    await h.until((x) => x.includes(`Wrote fix-aws.tf.json to ${join(cwd, "blindspot-fix-tf")}`));
    expect(JSON.parse(readFileSync(join(cwd, "blindspot-fix-tf", "fix-aws.tf.json"), "utf8"))).toHaveProperty(
      "terraform",
    );

    // The edited folder is kept; back to bash and the first folder, where y overwrites.
    await h.press("b", "w");
    await h.until((x) => x.includes("write into folder: blindspot-fix-tf"));
    await h.press(KEY.backspace, KEY.backspace, KEY.backspace);
    await h.until(
      (x) => x.includes("write into folder: blindspot-fix\n") || x.endsWith("write into folder: blindspot-fix"),
    );
    await h.press(KEY.enter);
    await h.until((x) => x.includes("Overwrite? (y/n)"));
    await h.press("y");
    await h.until((x) => x.includes("Wrote fix-aws.sh"));
    expect(readFileSync(join(dir, "fix-aws.sh"), "utf8")).toBe(script);
  });
});

describe("fix preview pieces", () => {
  it("a generator that throws is shown as one error line, never a script", async () => {
    const p = buildFixPreview(tuiSnapshot(), { findings: null } as unknown as Analysis, [UNCOVERED], "bash");
    expect(p.kind).toBe("error");
    if (p.kind !== "error") return;
    expect(p.message).not.toContain("\n");
    const ui = renderUi(
      <FixView
        findings={tuiAnalysis().findings.filter((f) => f.id === UNCOVERED)}
        isMarkedSelection={false}
        preview={p}
        state={INITIAL_FIX}
        resolvedDir="/tmp/x"
        layout={calculateLayout({ columns: 100, rows: 30 })}
      />,
    );
    const f = await waitFor(ui.lastFrame, (x) => x.includes("cannot generate fix scripts: "));
    expect(f).not.toMatch(/#!\/|closes|lines 1/);
    ui.unmount();
  });

  it("skipped findings with one reason are grouped; status reasons come last", () => {
    const reason = "a blind spot is closed by fixing its cause";
    const groups = groupSkipped(
      {
        files: [],
        closes: [],
        skipped: [
          { findingId: "690742979d3081d0", reason: "status is pass, not fail" },
          { findingId: BLIND_SPOT, reason },
          { findingId: "9389513dca6d57c3", reason },
          { findingId: "dd511e5c845fee76", reason },
        ],
      },
      tuiAnalysis(),
    );
    expect(groups).toEqual([
      {
        reason,
        checkIds: ["aws.siem.blind-spot", "aws.tamper.logging-changed"],
        findingIds: [BLIND_SPOT, "9389513dca6d57c3", "dd511e5c845fee76"],
      },
      {
        reason: "status is pass, not fail",
        checkIds: ["aws.trail.validation-disabled"],
        findingIds: ["690742979d3081d0"],
      },
    ]);
  });

  it("the reducer scrolls inside the script, toggles format (back to the top) and restores the folder on Esc", () => {
    let s = fixReducer(INITIAL_FIX, { type: "scroll", move: "pageDown", lines: 100, pageSize: 30 });
    expect(s.offset).toBe(30);
    s = fixReducer(s, { type: "scroll", move: "bottom", lines: 100, pageSize: 30 });
    expect(s.offset).toBe(70);
    s = fixReducer(s, { type: "toggle-format" });
    expect(s).toMatchObject({ format: "terraform", offset: 0 });
    s = fixReducer(s, { type: "edit-dir" });
    s = fixReducer(s, { type: "dir-input", text: "x" });
    expect(s.dir).toBe("blindspot-fix/x");
    s = fixReducer(s, { type: "dir-cancel" });
    expect(s).toMatchObject({ dir: "blindspot-fix/", isEditingDir: false });
  });
});
