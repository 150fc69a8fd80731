/**
 * The built-in cloud simulator's public API.
 *
 *   const sim = await startSimulator({ scenario: "demo" });
 *   new CloudTrailClient({ endpoint: sim.url, region: "eu-west-1", credentials: ... });
 *   process.env = { ...process.env, ...sim.env };
 *   sim.calls(); await sim.close();
 */

import { createAwsHandler } from "./aws/handler.js";
import { DEFAULT_SECRET, defaultAccessKey } from "./aws/model.js";
import { createAzureHandler } from "./azure/handler.js";
import { CallLog } from "./call-log.js";
import { FaultEngine, type FaultSpec, type FaultSpecInput, mergeFaults } from "./faults.js";
import { loadScenarioFile, parseScenario, type Scenario, type ScenarioInput } from "./scenario/index.js";
import { demoScenario } from "./scenarios/demo.js";
import { startServer } from "./server.js";
import type { CallLogEntry } from "./types.js";

export type { FaultSpec, FaultSpecInput } from "./faults.js";
export { parseFaultSpec } from "./faults.js";
export { generateScenario } from "./generate.js";
export type { Scenario, ScenarioInput } from "./scenario/index.js";
export { loadScenarioFile, parseScenario, ScenarioSchema } from "./scenario/index.js";
export { demoScenario } from "./scenarios/demo.js";
export { demoAwsPlanted } from "./scenarios/demo-aws.js";
export type { CallInfo, CallLogEntry, FaultKind } from "./types.js";

export interface SimulatorOptions {
  /** A validated scenario, a scenario object to validate, "demo" (default), or a JSON/YAML file path. */
  scenario?: Scenario | ScenarioInput | "demo" | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Extra faults (merged over the scenario's `faults`). */
  faults?: FaultSpecInput;
  /** Also append each call to this JSONL file. */
  callLogFile?: string;
  /** The simulator's start time; scenario-relative times resolve against it (default: now). */
  now?: Date;
}

export interface Simulator {
  url: string;
  port: number;
  scenario: Scenario;
  faults: FaultSpec;
  /** AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, BLINDSPOT_AZURE_ENDPOINT. */
  env: Record<string, string>;
  calls(): CallLogEntry[];
  clearCalls(): void;
  /**
   * The most requests the simulator was answering at the same moment since it started or `clearCalls` (counted as
   * handlers start and finish, exact).
   */
  peakInFlight(): number;
  close(): Promise<void>;
}

/** Resolves the `scenario` option to a validated scenario. */
export function resolveScenario(s: SimulatorOptions["scenario"]): Scenario {
  if (s === undefined || s === "demo") return demoScenario();
  if (typeof s === "string") return loadScenarioFile(s);
  return parseScenario(s);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const scenario = resolveScenario(opts.scenario);
  const start = opts.now ?? new Date();
  const realStart = Date.now();
  const faults = mergeFaults(scenario.faults, opts.faults);
  const aws = createAwsHandler(scenario.aws, start);
  const azure = createAzureHandler(scenario.azure, start);
  const callLog = new CallLog(opts.callLogFile);
  const srv = await startServer({
    port: opts.port ?? 0,
    handlers: [azure, aws],
    faults: new FaultEngine(faults),
    callLog,
    ctx: { now: () => new Date(start.getTime() + (Date.now() - realStart)) },
  });
  const mgmt = aws.model.managementAccountId();
  return {
    url: srv.url,
    port: srv.port,
    scenario,
    faults,
    env: {
      AWS_ENDPOINT_URL: srv.url,
      AWS_ACCESS_KEY_ID: defaultAccessKey(mgmt),
      AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET,
      AWS_REGION: "us-east-1",
      BLINDSPOT_AZURE_ENDPOINT: srv.url,
    },
    calls: () => callLog.all(),
    clearCalls: () => callLog.clear(),
    peakInFlight: () => callLog.peakInFlight,
    close: () => srv.close(),
  };
}
