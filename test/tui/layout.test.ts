import { describe, expect, it } from "vitest";
import { calculateLayout } from "../../views/layout.js";

describe("calculateLayout", () => {
  it("two columns at 120x40 with a side pane and a full body", () => {
    const l = calculateLayout({ columns: 120, rows: 40 });
    expect(l.isNarrow).toBe(false);
    expect(l.isShort).toBe(false);
    expect(l.sideWidth).toBe(50);
    expect(l.mainWidth + l.sideWidth + 1).toBe(120);
    expect(l.headerRows + l.bodyRows + l.footerRows).toBe(39);
    expect(l.listRows).toBe(l.bodyRows - 2);
  });
  it("one column below 80 columns", () => {
    const l = calculateLayout({ columns: 79, rows: 30 });
    expect(l.isNarrow).toBe(true);
    expect(l.sideWidth).toBe(0);
    expect(l.mainWidth).toBe(79);
    expect(calculateLayout({ columns: 80, rows: 30 }).isNarrow).toBe(false);
  });
  it("below 24 rows: one-line header and footer, the body keeps every other row", () => {
    const l = calculateLayout({ columns: 70, rows: 20 });
    expect(l.isShort).toBe(true);
    expect(l.headerRows).toBe(1);
    expect(l.footerRows).toBe(1);
    expect(l.bodyRows).toBe(17);
    expect(calculateLayout({ columns: 70, rows: 24 }).isShort).toBe(false);
  });
  it("clamps absurd sizes instead of producing negative areas", () => {
    const l = calculateLayout({ columns: 0, rows: 0 });
    expect(l.columns).toBe(40);
    expect(l.rows).toBe(10);
    expect(l.bodyRows).toBeGreaterThanOrEqual(3);
    expect(l.listRows).toBeGreaterThanOrEqual(1);
    expect(calculateLayout({ columns: 500, rows: 200 }).sideWidth).toBe(60);
  });
});
