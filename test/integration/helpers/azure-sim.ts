/**
 * A minimal loopback server that feeds requests to the Azure handler, for the Azure simulator tests.
 * (The full simulator server lives in src/sim/server.ts; this helper keeps the Azure tests independent of it.)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAzureHandler } from "../../../src/sim/azure/handler.js";
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
