/**
 * Starting the simulator for the Azure tests: `startAzureSim` runs the real simulator (startSimulator: server,
 * faults, call log) over an Azure-only scenario; `startAzureSimManualClock` is a minimal loopback server around the
 * Azure handler whose clock the test can advance (retention over time).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAzureHandler } from "../../../src/sim/azure/handler.js";
import { startSimulator } from "../../../src/sim/index.js";
import type { AzureScenarioInput } from "../../../src/sim/scenario/azure.js";
import { AzureScenarioSchema } from "../../../src/sim/scenario/azure.js";
import type { CallInfo, SimRequest } from "../../../src/sim/types.js";

export interface AzureSim {
  url: string;
  calls: (CallInfo & { status: number; method: string; path: string })[];
  /** Advance the simulator clock by ms. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startAzureSim(scenario: AzureScenarioInput, start = new Date()): Promise<AzureSim> {
  const sim = await startSimulator({ scenario: { name: "azure-test", azure: scenario }, now: start });
  return {
    url: sim.env.BLINDSPOT_AZURE_ENDPOINT!,
    get calls() {
      return sim.calls();
    },
    advance: () => {
      throw new Error("the simulator clock follows real time: use startAzureSimManualClock");
    },
    close: () => sim.close(),
  };
}

export async function startAzureSimManualClock(scenario: AzureScenarioInput, start = new Date()): Promise<AzureSim> {
  const handler = createAzureHandler(AzureScenarioSchema.parse(scenario), start);
  let offset = 0;
  const calls: AzureSim["calls"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        await serve();
      } catch (e) {
        res.writeHead(500, { "content-type": "text/plain" }).end(`azure-sim helper: ${(e as Error).stack}`);
      }
    });
    const serve = async () => {
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      const sreq: SimRequest = {
        method: req.method ?? "GET",
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const call = handler.identify(sreq);
      if (!call) {
        res.writeHead(400).end("not azure");
        return;
      }
      const out = await handler.handle(sreq, call, { now: () => new Date(start.getTime() + offset) });
      calls.push({ ...call, status: out.status, method: sreq.method, path: sreq.path });
      res.writeHead(out.status, out.headers ?? {}).end(out.body ?? "");
    };
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    advance: (ms) => {
      offset += ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
