import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { helpLines } from "../../views/components/chrome.js";
import {
  activeCategories,
  commands,
  hintsFor,
  KEYMAP,
  keyLabel,
  keyMatches,
  resolveCommand,
  VIEWS,
} from "../../views/keymap.js";
import { makeTheme } from "../../views/theme.js";

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe("keymap registry", () => {
  it("every command has keys, a description and a category", () => {
    for (const [id, spec] of commands()) {
      expect(spec.description.trim().length, id).toBeGreaterThan(5);
      expect(spec.keys.length, id).toBeGreaterThan(0);
      expect(["global", "navigation", ...VIEWS], id).toContain(spec.category);
    }
  });

  it("no key is bound twice among the commands live in a view", () => {
    for (const view of VIEWS) {
      const seen = new Map<string, string>();
      for (const [id, spec] of commands()) {
        if (!activeCategories(view).includes(spec.category)) continue;
        for (const k of spec.keys) {
          expect(seen.get(k), `${view}: ${k} bound to ${seen.get(k)} and ${id}`).toBeUndefined();
          seen.set(k, id);
        }
      }
    }
  });

  it("resolves keys per view: view keys first, then navigation, then global", () => {
    expect(resolveCommand("findings", "/", NO_KEY)).toBe("filter");
    expect(resolveCommand("overview", "/", NO_KEY)).toBeUndefined();
    expect(resolveCommand("overview", "j", NO_KEY)).toBe("down");
    expect(resolveCommand("overview", "", { ...NO_KEY, downArrow: true })).toBe("down");
    expect(resolveCommand("overview", "G", { ...NO_KEY, shift: true })).toBe("bottom");
    expect(resolveCommand("export", "r", { ...NO_KEY, ctrl: true })).toBe("rescan");
    expect(resolveCommand("fix", "b", NO_KEY)).toBe("toggleFormat");
    expect(resolveCommand("overview", "", { ...NO_KEY, tab: true, shift: true })).toBe("prevView");
    expect(resolveCommand("overview", "", { ...NO_KEY, tab: true })).toBe("nextView");
    expect(keyMatches("space", " ", NO_KEY)).toBe(true);
    expect(keyMatches("q", "q", { ...NO_KEY, ctrl: true })).toBe(false);
  });

  it("status-bar hints and the help overlay come from the registry", () => {
    const hints = hintsFor("findings").map((h) => `${h.key} ${h.label}`);
    expect(hints).toContain("/ filter");
    expect(hints).toContain("q quit");
    expect(hintsFor("overview").some((h) => h.label === "filter")).toBe(false);
    for (const view of VIEWS) {
      const text = helpLines(view)
        .map((l) => l.text)
        .join("\n");
      for (const [, spec] of commands()) {
        if (activeCategories(view).includes(spec.category)) expect(text).toContain(spec.description);
      }
    }
    expect(keyLabel("ctrl+r")).toBe("^r");
    expect(KEYMAP.rescan.keys).toContain("ctrl+r");
  });
});

describe("theme", () => {
  it("the no-colour theme names no colour anywhere (NO_COLOR, --no-color)", () => {
    const plain = JSON.stringify(makeTheme(false));
    expect(plain).not.toMatch(/"color":/);
    expect(plain).not.toMatch(/Border":"/);
    expect(JSON.stringify(makeTheme(true))).toMatch(/"color":"red"/);
  });
  it("unknown never looks like covered", () => {
    const t = makeTheme(true);
    expect(t.cell.unknown).not.toEqual(t.cell.covered);
  });
});
