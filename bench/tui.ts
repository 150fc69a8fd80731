import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { render } from "ink";
import { createElement } from "react";
import { largeEstate, memoryExporter } from "../test/helpers/tui-fixtures.js";
import { Explorer } from "../views/explorer.js";
import { makeTheme } from "../views/theme.js";
import { ThemeContext } from "../views/theme-context.js";

/** A terminal-shaped stdout that records when frames are written. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  columns: number;
  rows: number;
  writes = 0;
  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  write(_chunk: string): boolean {
    this.writes++;
    this.emit("frame");
    return true;
  }
}

class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  setRawMode(): void {}
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): string | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }
  press(data: string): void {
    this.pending = data;
    this.emit("readable");
  }
}

interface Series {
  name: string;
  ms: number[];
}

function stats(ms: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

/**
 * Keypress-to-frame time of the explorer over 10,000 findings, in an interactive Ink instance at 120x40 (the same
 * renderer path as a real terminal; frames are throttled to 60 fps as in `views/run.tsx`; each key waits for its frame).
 */
export async function benchTui(findings = 10_000): Promise<{ series: Series[]; goalMs: number }> {
  const { snapshot, analysis } = largeEstate(findings);
  const stdout = new FakeTerminal(120, 40);
  const stdin = new FakeKeyboard();
  const app = render(
    createElement(
      ThemeContext.Provider,
      { value: makeTheme(true) },
      createElement(Explorer, {
        snapshot,
        analysis,
        exporter: memoryExporter(),
        source: "bench",
        cwd: "/tmp",
        onQuit: () => {},
      }),
    ),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      interactive: true,
      maxFps: 60,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await new Promise((r) => setTimeout(r, 100));

  /** Sends a key and resolves with the time until the next frame is written (or 1 s if none). */
  const key = (data: string) =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      const timer = setTimeout(() => {
        stdout.off("frame", done);
        resolve(performance.now() - start);
      }, 1000);
      const done = () => {
        clearTimeout(timer);
        stdout.off("frame", done);
        resolve(performance.now() - start);
      };
      stdout.on("frame", done);
      stdin.press(data);
    });
  const pause = () => new Promise((r) => setTimeout(r, 40));
  const run = async (name: string, keys: string[]): Promise<Series> => {
    const ms: number[] = [];
    for (const k of keys) {
      ms.push(await key(k));
      await pause();
    }
    return { name, ms };
  };

  const series: Series[] = [];
  series.push(await run("switch to findings (2)", ["2"]));
  series.push(await run("move down (j) x100", Array(100).fill("j")));
  series.push(await run("page down x30", Array(30).fill("\u001B[6~")));
  series.push(await run("bottom/top (G, g) x10", Array(10).fill(["G", "g"]).flat()));
  series.push(await run("mark (space) x20", Array(20).fill(" ")));
  series.push(await run("filter: / then type 'kms' (re-filters 10k)", ["/", "k", "m", "s"]));
  series.push(await run("filter: backspace x3", Array(3).fill("\u007F")));
  series.push(await run("cycle severity (s) x5", ["\r", "s", "s", "s", "s", "s"]));
  series.push(await run("overview and heatmap moves", ["1", "l", "l", "j", "j", "h"]));
  app.unmount();
  return { series, goalMs: 50 };
}

/** Prints the TUI benchmark as a table. */
export async function runTuiBench(
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<boolean> {
  const { series, goalMs } = await benchTui();
  out(`tui: keypress-to-frame, explorer over 10,000 findings at 120x40 (goal p95 < ${goalMs} ms)`);
  out(`  ${"keys".padEnd(46)} ${"n".padStart(4)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}`);
  let ok = true;
  const all: number[] = [];
  for (const s of series) {
    const st = stats(s.ms);
    all.push(...s.ms);
    out(
      `  ${s.name.padEnd(46)} ${String(s.ms.length).padStart(4)} ${st.p50.toFixed(1).padStart(8)} ${st.p95.toFixed(1).padStart(8)} ${st.max.toFixed(1).padStart(8)}`,
    );
  }
  const total = stats(all);
  ok = total.p95 < goalMs;
  out(
    `  ${"all keys".padEnd(46)} ${String(all.length).padStart(4)} ${total.p50.toFixed(1).padStart(8)} ${total.p95.toFixed(1).padStart(8)} ${total.max.toFixed(1).padStart(8)}  ${ok ? "OK" : "OVER GOAL"}`,
  );
  return ok;
}
