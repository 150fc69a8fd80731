/** `blindspot sim`: run the built-in AWS/Azure simulator and print the environment that points tooling at it. */
import type { Command } from "commander";
import { UserError } from "../../errors.js";
import type { FaultSpecInput } from "../../sim/faults.js";
import type { startSimulator } from "../../sim/index.js";
import type { CliIO } from "../io.js";

interface SimFlags {
  scenario?: string;
  port?: string;
  latency?: string;
  jitter?: string;
  faults?: string;
  seed?: string;
  callLog?: string;
  generateAccounts?: string;
  generateSubscriptions?: string;
}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Registers `blindspot sim`; the action resolves to the process exit code. */
export function registerSim(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("sim")
    .description("run the built-in AWS/Azure simulator and print the environment that points tooling at it")
    .option("--scenario <demo|FILE>", "scenario: demo (default) or a JSON/YAML scenario file")
    .option("--port <N>", "port on 127.0.0.1 (0 = pick a free port)", "0")
    .option("--latency <MS>", "added latency per request in milliseconds")
    .option("--jitter <MS>", "random +/- jitter on the latency in milliseconds")
    .option(
      "--faults <SPEC>",
      "faults: latency=MS,jitter=MS,throttle=RATE,5xx=RATE,timeout=RATE,timeoutMs=MS,deny=SERVICE[:OP]@ACCOUNT[/REGION]",
    )
    .option("--seed <N>", "seed for injected faults (and generated estates)")
    .option("--call-log <FILE>", "append every request to FILE as JSONL")
    .option("--generate-accounts <N>", "instead of a scenario, generate an organization of N AWS accounts")
    .option("--generate-subscriptions <M>", "with --generate-accounts: also generate M Azure subscriptions")
    .action(async (flags: SimFlags) => {
      const port = intFlag("port", flags.port, 0, 65_535) ?? 0;
      const seed = intFlag("seed", flags.seed, 0, 2_147_483_647);
      const latency = intFlag("latency", flags.latency, 0, 60_000);
      const jitter = intFlag("jitter", flags.jitter, 0, 60_000);
      const accounts = intFlag("generate-accounts", flags.generateAccounts, 1, 100_000);
      const subscriptions = intFlag("generate-subscriptions", flags.generateSubscriptions, 0, 100_000);
      if (accounts !== undefined && flags.scenario !== undefined) {
        throw new UserError("--generate-accounts and --scenario cannot be combined", {
          hint: "use one: a scenario file, demo, or a generated estate",
        });
      }
      if (subscriptions !== undefined && accounts === undefined) {
        throw new UserError("--generate-subscriptions needs --generate-accounts");
      }
      // Loaded on use: the simulator (servers, scenarios) is not needed by the other commands' start-up.
      const [{ parseFaultSpec }, { generateScenario }, { startSimulator }] = await Promise.all([
        import("../../sim/faults.js"),
        import("../../sim/generate.js"),
        import("../../sim/index.js"),
      ]);
      const faults: FaultSpecInput = flags.faults ? parseFaultSpec(flags.faults) : {};
      if (latency !== undefined) faults.latencyMs = latency;
      if (jitter !== undefined) faults.jitterMs = jitter;
      if (seed !== undefined) faults.seed = seed;
      const scenario =
        accounts !== undefined
          ? generateScenario({ accounts, subscriptions: subscriptions ?? 0, seed: seed ?? 1 })
          : (flags.scenario ?? "demo");
      let sim: Awaited<ReturnType<typeof startSimulator>>;
      try {
        sim = await startSimulator({
          scenario,
          port,
          faults,
          ...(flags.callLog ? { callLogFile: flags.callLog } : {}),
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw new UserError(`port ${port} is already in use`, {
            hint: "pick another --port, or --port 0 for a free one",
          });
        }
        throw err;
      }
      io.stdout.write(`blindspot simulator (scenario ${sim.scenario.name}) listening on ${sim.url}\n`);
      for (const [k, v] of Object.entries(sim.env)) io.stdout.write(`export ${k}=${v}\n`);
      io.stderr.write("press Ctrl-C to stop\n");
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) return resolve();
        io.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await sim.close();
      setExit(0);
    });
}
