/** The streamed JSON report is byte-identical to the one-string rendering, and is written in bounded chunks. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchedLines } from "../../src/cli/commands/scan.js";
import { renderJsonReport, writeReport } from "../../src/report/index.js";
import { jsonPieces, jsonReportChunks } from "../../src/report/json.js";
import { writeChunks } from "../../src/util/fs.js";
import { EVIL, emptySnapshot, reportAnalysis, reportSnapshot } from "../helpers/report-fixtures.js";

describe("streamed JSON", () => {
  it("jsonPieces joins to exactly JSON.stringify(value, null, 2) for awkward values", () => {
    const values: unknown[] = [
      null,
      0,
      -1.5e-7,
      "",
      EVIL,
      "line\nbreak \u2028 \u0000 \ud83d\ude00",
      [],
      {},
      [[], {}, [[[]]], { a: { b: { c: { d: { e: [1, { f: "g\nh" }] } } } } }],
      { u: undefined, f: () => 1, s: Symbol("x"), d: new Date(0), n: Number.NaN, i: Number.POSITIVE_INFINITY },
      [undefined, () => 1, Symbol("y"), new Date(86_400_000)],
      { 'key with "quotes" and \n': [{ nested: ["deep", { deeper: [[1, 2], [3]] }] }] },
      { a: { toJSON: () => ({ replaced: true }) } },
      // Long arrays are streamed element by element (shorter ones whole): the same bytes either way.
      {
        list: Array.from({ length: 40 }, (_, i) =>
          i % 5 === 0 ? undefined : i % 7 === 0 ? [] : { i, s: `x\n${EVIL}`, d: new Date(i), nested: [[i], {}] },
        ),
        deep: { deeper: { deepest: { bottom: Array.from({ length: 33 }, (_, i) => ({ i })) } } },
      },
      Array.from({ length: 35 }, (_, i) => Array.from({ length: 33 }, (_, j) => (j % 2 ? null : `${i}:${j}`))),
    ];
    for (const v of values) expect([...jsonPieces(v, 0)].join("")).toBe(JSON.stringify(v, null, 2));
  });

  it("jsonReportChunks gives the bytes of renderJsonReport, in chunks near the requested size", () => {
    const snapshot = reportSnapshot();
    const analysis = reportAnalysis();
    const whole = renderJsonReport(snapshot, analysis);
    const chunks = [...jsonReportChunks(snapshot, analysis, 512)];
    expect(chunks.join("")).toBe(whole);
    expect(chunks.length).toBeGreaterThan(whole.length / 4096);
    // A chunk is cut once it reaches the size: it exceeds it by at most one piece (one finding, one account).
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(512);
    const empty = emptySnapshot();
    expect([...jsonReportChunks(empty, reportAnalysis())].join("")).toBe(renderJsonReport(empty, reportAnalysis()));
  });

  it("writeReport --format json writes the same bytes to a file and to stdout", async () => {
    const snapshot = reportSnapshot();
    const analysis = reportAnalysis();
    const dir = mkdtempSync(join(tmpdir(), "blindspot-json-"));
    try {
      const out = join(dir, "sub", "report.json");
      await writeReport({ format: "json", snapshot, analysis, out, stdout: new PassThrough() });
      expect(readFileSync(out, "utf8")).toBe(renderJsonReport(snapshot, analysis));
      const stdout = new PassThrough();
      let text = "";
      stdout.on("data", (d: Buffer) => {
        text += d.toString("utf8");
      });
      await writeReport({ format: "json", snapshot, analysis, stdout });
      expect(text).toBe(renderJsonReport(snapshot, analysis));
      // Both at once (scan --out r.json --json): the same bytes in the file and on stdout.
      const both = new PassThrough();
      let teed = "";
      both.on("data", (d: Buffer) => {
        teed += d.toString("utf8");
      });
      const out2 = join(dir, "both.json");
      await writeReport({ format: "json", snapshot, analysis, out: out2, stdout: both, alsoStdout: true });
      expect(teed).toBe(renderJsonReport(snapshot, analysis));
      expect(readFileSync(out2, "utf8")).toBe(teed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writeChunks waits for drain: a slow consumer never has more than its buffer plus one chunk queued", async () => {
    let maxQueued = 0;
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 100,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk.toString());
        setTimeout(cb, 1);
      },
    });
    const chunks = function* () {
      for (let i = 0; i < 50; i++) {
        maxQueued = Math.max(maxQueued, slow.writableLength);
        yield `${String(i).padStart(60, ".")}\n`;
      }
    };
    await writeChunks(slow, chunks());
    expect(received.join("").split("\n").length - 1).toBe(50);
    expect(maxQueued).toBeLessThanOrEqual(100 + 61);
  });

  it("writeChunks to several streams: each gets every chunk, and a slow one holds the rest back", async () => {
    let maxQueued = 0;
    const slowGot: string[] = [];
    const fastGot: string[] = [];
    const slow = new Writable({
      highWaterMark: 100,
      write(chunk: Buffer, _enc, cb) {
        slowGot.push(chunk.toString());
        setTimeout(cb, 1);
      },
    });
    const fast = new Writable({
      write(chunk: Buffer, _enc, cb) {
        fastGot.push(chunk.toString());
        cb();
      },
    });
    const chunks = function* () {
      for (let i = 0; i < 30; i++) {
        maxQueued = Math.max(maxQueued, slow.writableLength);
        yield `${String(i).padStart(60, ".")}\n`;
      }
    };
    await writeChunks([fast, slow], chunks());
    expect(slowGot.join("")).toBe(fastGot.join(""));
    expect(fastGot.join("").split("\n").length - 1).toBe(30);
    expect(maxQueued).toBeLessThanOrEqual(100 + 61);
  });
});

describe("--json events", () => {
  it("are written in order, one write per turn of the event loop, and flush() writes what is pending", async () => {
    const writes: string[] = [];
    const lines = batchedLines({ write: (c: string) => writes.push(c) });
    for (let i = 0; i < 100; i++) lines.write(`${i}\n`);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes.length).toBe(1);
    lines.write("a\n");
    lines.write("b\n");
    lines.flush();
    expect(writes.length).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(writes.length).toBe(2);
    expect(writes.join("")).toBe(`${Array.from({ length: 100 }, (_, i) => `${i}\n`).join("")}a\nb\n`);
  });
});
