/**
 * Scale benchmark: the simulator serves a generated estate (N accounts x all default regions, M subscriptions)
 * with 25 ms latency, jitter and throttling; the built CLI scans it in a child process (`scan --aws --azure --org`,
 * with and without blind-spot sampling). Per run it prints wall time, the floor for that estate and the ratio,
 * API calls per account-region, throttles, retries, peak RSS of the scanner, and the busiest LookupEvents
 * account-region second (the 2/s limit).
 *
 * The floor is the larger of (a) the throughput floor: every call's simulated latency divided by the scan's
 * concurrency (the calls cannot go faster through --concurrency connections), and (b) the rate-limit floor: the
 * account-region with the most LookupEvents pages at 2 per second, and Log Analytics queries at 200 per 30 s.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CallLogEntry, generateScenario, startSimulator } from "../src/sim/index.js";
import { DEFAULT_REGIONS } from "../src/sim/scenario/aws.js";

export interface ScaleRun {
  accounts: number;
  subscriptions: number;
  sample: boolean;
  /** --sample-days (default 7). */
  sampleDays?: number;
}

export interface ScaleResult extends ScaleRun {
  wallS: number;
  floorS: number;
  ratio: number;
  calls: number;
  callsPerAccountRegion: number;
  throttles: number;
  retries: number;
  peakRssMb: number;
  /** CPU seconds of the scanner process (user + system), sampled until just before it exits. */
  cpuS: number;
  lookupMaxPerSecond: number;
  complete: boolean;
  exitCode: number;
}

const CONCURRENCY = 16;
const LATENCY_MS = 25;
const JITTER_MS = 10;
const THROTTLE_RATE = 0.01;

const FULL: ScaleRun[] = [
  { accounts: 100, subscriptions: 100, sample: false },
  { accounts: 300, subscriptions: 100, sample: false },
  { accounts: 1000, subscriptions: 500, sample: false },
  { accounts: 100, subscriptions: 100, sample: true },
];
const QUICK: ScaleRun[] = [
  { accounts: 3, subscriptions: 3, sample: false },
  { accounts: 2, subscriptions: 2, sample: true, sampleDays: 1 },
];

function cliPath(): string {
  return fileURLToPath(new URL("../../bin/blindspot.js", import.meta.url));
}

/** Peak resident set (VmHWM) of a running process, in MB (0 when unreadable). */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a running process has used so far (0 when unreadable). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The most LookupEvents calls any one account-region received within one second. */
function lookupMaxPerSecond(calls: readonly CallLogEntry[]): number {
  const byScope = new Map<string, number[]>();
  for (const c of calls) {
    if (c.operation !== "LookupEvents") continue;
    const k = `${c.account}/${c.region}`;
    const list = byScope.get(k) ?? [];
    if (list.length === 0) byScope.set(k, list);
    list.push(Date.parse(c.time));
  }
  let max = 0;
  for (const times of byScope.values()) {
    times.sort((a, b) => a - b);
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while (times[hi]! - times[lo]! >= 1000) lo++;
      max = Math.max(max, hi - lo + 1);
    }
  }
  return max;
}

function floorSeconds(calls: readonly CallLogEntry[]): number {
  const latency = calls.reduce((s, c) => s + c.latencyMs, 0) / 1000;
  const throughput = latency / CONCURRENCY;
  const lookups = new Map<string, number>();
  let queries = 0;
  for (const c of calls) {
    if (c.operation === "LookupEvents") {
      const k = `${c.account}/${c.region}`;
      lookups.set(k, (lookups.get(k) ?? 0) + 1);
    } else if (c.cloud === "azure" && c.service === "loganalytics") queries++;
  }
  const busiest = Math.max(0, ...lookups.values());
  // 2 per second after a burst of 2; Log Analytics 200 queries per 30 s after a burst of 200.
  const lookupFloor = Math.max(0, busiest - 2) / 2;
  const queryFloor = (Math.max(0, queries - 200) / 200) * 30;
  return Math.max(throughput, lookupFloor, queryFloor);
}

export async function runScale(run: ScaleRun): Promise<ScaleResult> {
  const scenario = generateScenario({ accounts: run.accounts, subscriptions: run.subscriptions, seed: 1 });
  const sim = await startSimulator({
    scenario,
    faults: { latencyMs: LATENCY_MS, jitterMs: JITTER_MS, throttleRate: THROTTLE_RATE, seed: 1 },
  });
  const dir = mkdtempSync(join(tmpdir(), "blindspot-bench-"));
  try {
    const args = [
      cliPath(),
      "scan",
      "--aws",
      ...(run.subscriptions > 0 ? ["--azure"] : []),
      "--org",
      ...(process.env.BLINDSPOT_BENCH_EVENTS === "0" ? [] : ["--json"]),
      "--concurrency",
      String(CONCURRENCY),
      "--out",
      join(dir, "snap.json"),
      ...(run.sample ? ["--sample-days", String(run.sampleDays ?? 7)] : ["--no-sample"]),
    ];
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        ...sim.env,
        // Profiling a run: BLINDSPOT_BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- scale
        ...(process.env.BLINDSPOT_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BLINDSPOT_BENCH_NODE_OPTIONS } : {}),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let peak = 0;
    let cpu = 0;
    const poll = setInterval(() => {
      if (child.pid) {
        peak = Math.max(peak, peakRss(child.pid));
        cpu = Math.max(cpu, cpuSeconds(child.pid));
      }
    }, 100);
    let retries = 0;
    let throttledEvents = 0;
    let buffer = "";
    let lastError = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("{")) lastError = line;
        if (line.includes('"type":"retry"')) retries++;
        else if (line.includes('"type":"throttled"')) throttledEvents++;
        nl = buffer.indexOf("\n");
      }
    });
    const exitCode = await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
    clearInterval(poll);
    if (exitCode !== 0) process.stdout.write(`  scan exited ${exitCode}: ${lastError.slice(0, 300)}\n`);
    const wallS = (performance.now() - started) / 1000;
    const calls = sim.calls();
    // For looking at a run's timeline: BLINDSPOT_BENCH_CALLS=/tmp/calls.json writes the simulator's call log.
    if (process.env.BLINDSPOT_BENCH_CALLS) writeFileSync(process.env.BLINDSPOT_BENCH_CALLS, JSON.stringify(calls));
    const floorS = floorSeconds(calls);
    let complete = false;
    try {
      complete = (JSON.parse(readFileSync(join(dir, "snap.json"), "utf8")) as { snapshot: { complete: boolean } })
        .snapshot.complete;
    } catch {}
    const awsCalls = calls.filter((c) => c.cloud === "aws").length;
    return {
      ...run,
      wallS,
      floorS,
      ratio: floorS > 0 ? wallS / floorS : 0,
      calls: calls.length,
      callsPerAccountRegion: awsCalls / (run.accounts * DEFAULT_REGIONS.length),
      throttles: calls.filter((c) => c.fault === "throttle").length,
      retries: retries + throttledEvents,
      peakRssMb: peak,
      cpuS: cpu,
      lookupMaxPerSecond: lookupMaxPerSecond(calls),
      complete,
      exitCode,
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(r: ScaleResult): string {
  const cells = [
    `${r.accounts}`.padStart(5),
    `${r.subscriptions}`.padStart(5),
    (r.sample ? "yes" : "no").padEnd(6),
    r.wallS.toFixed(1).padStart(7),
    r.floorS.toFixed(1).padStart(7),
    r.ratio.toFixed(2).padStart(6),
    `${r.calls}`.padStart(8),
    r.callsPerAccountRegion.toFixed(1).padStart(8),
    `${r.throttles}`.padStart(6),
    `${r.retries}`.padStart(7),
    r.peakRssMb.toFixed(0).padStart(7),
    r.cpuS.toFixed(1).padStart(6),
    `${r.lookupMaxPerSecond}`.padStart(7),
    `${r.exitCode}${r.complete ? "" : " INCOMPLETE"}`,
  ];
  return cells.join(" ");
}

/** `npm run bench scale` (full estates) or `npm run bench scale-quick` (a smoke run of a few seconds). */
export async function runScaleBench(quick: boolean): Promise<boolean> {
  const runs = quick ? QUICK : FULL;
  process.stdout.write(
    `scale: generated estates x ${DEFAULT_REGIONS.length} regions, latency ${LATENCY_MS}+-${JITTER_MS} ms, throttle ${THROTTLE_RATE * 100}%, --concurrency ${CONCURRENCY}\n`,
  );
  process.stdout.write(
    " acct  subs sample  wall s floor s  ratio    calls calls/AR thrott retries  RSS MB  CPU s LE max/s exit\n",
  );
  let ok = true;
  const config: ScaleResult[] = [];
  for (const run of runs) {
    const r = await runScale(run);
    process.stdout.write(`${row(r)}\n`);
    if (r.exitCode !== 0 || !r.complete || r.peakRssMb > 400 || r.lookupMaxPerSecond > 2) ok = false;
    if (!run.sample) config.push(r);
  }
  // Goals (issue #10): 100 accounts within 1.5x of the floor; time no worse than linear from 100 to 1,000.
  const r100 = config.find((r) => r.accounts === 100);
  if (r100 && r100.ratio > 1.5) ok = false;
  for (const r of config) {
    if (r100 && r !== r100) {
      const growth = r.wallS / r100.wallS / (r.accounts / r100.accounts);
      process.stdout.write(`  time growth ${r100.accounts} -> ${r.accounts} accounts: ${growth.toFixed(2)}x linear\n`);
      if (growth > 1.1) ok = false;
    }
  }
  return ok;
}
