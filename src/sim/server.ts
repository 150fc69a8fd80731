/**
 * The simulator's loopback HTTP server: parses each request, asks the handlers (Azure first, then AWS) to identify
 * it, applies injected faults and denials, calls the owning handler and records the call log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CallLog } from "./call-log.js";
import type { FaultEngine } from "./faults.js";
import type {
  CallInfo,
  CallLogEntry,
  FaultKind,
  ProtocolHandler,
  SimContext,
  SimRequest,
  SimResponse,
} from "./types.js";

export interface SimServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  port: number;
  handlers: ProtocolHandler[];
  faults: FaultEngine;
  callLog: CallLog;
  ctx: SimContext;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Decodes `Content-Encoding: aws-chunked` bodies (streaming SigV4 uploads). */
function dechunk(body: Buffer, headers: IncomingMessage["headers"]): Buffer {
  const enc = String(headers["content-encoding"] ?? "");
  const sha = String(headers["x-amz-content-sha256"] ?? "");
  if (!enc.includes("aws-chunked") && !sha.startsWith("STREAMING-")) return body;
  const out: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const eol = body.indexOf("\r\n", i);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(i, eol).toString("latin1").split(";")[0]!, 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function send(res: ServerResponse, r: SimResponse, method: string): void {
  // A string body goes to the socket as is (UTF-8, like Buffer.from would encode it) rather than copied into a Buffer
  // first: the same bytes on the wire, one large copy less per response (LookupEvents pages are ~70 KB).
  const body = r.body;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
    const length = body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.length;
    headers["content-length"] = String(length);
  }
  res.writeHead(r.status, headers);
  res.end(method === "HEAD" ? undefined : body);
}

export function startServer(opts: ServerOptions): Promise<SimServer> {
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = createServer(async (req, res) => {
    const started = performance.now();
    opts.callLog.enter();
    let call: CallInfo | undefined;
    let status = 500;
    let fault: FaultKind | undefined;
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const raw = await readBody(req);
      const simReq: SimRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: dechunk(raw, req.headers),
      };
      let owner: ProtocolHandler | undefined;
      for (const h of opts.handlers) {
        call = h.identify(simReq);
        if (call) {
          owner = h;
          break;
        }
      }
      if (!owner || !call) {
        status = 400;
        send(
          res,
          {
            status: 400,
            headers: { "content-type": "text/plain" },
            body: "blindspot simulator: request not recognised (expected an AWS SigV4 or Azure bearer-token request)\n",
          },
          simReq.method,
        );
        return;
      }
      const decision = opts.faults.decide(call);
      await sleep(decision.delayMs);
      fault = decision.fault;
      if (fault === "timeout") {
        await sleep(opts.faults.spec.timeoutMs);
        status = 0;
        req.socket.destroy();
        return;
      }
      const response = fault ? owner.fault(fault, call) : await owner.handle(simReq, call, opts.ctx);
      status = response.status;
      send(res, response, simReq.method);
    } catch (err) {
      status = 500;
      if (!res.headersSent) {
        send(
          res,
          {
            status: 500,
            headers: { "content-type": "text/plain" },
            body: `simulator error: ${(err as Error).message}\n`,
          },
          "GET",
        );
      }
    } finally {
      opts.callLog.leave();
      if (call) {
        const entry: CallLogEntry = {
          ...call,
          time: new Date().toISOString(),
          method: req.method ?? "GET",
          path: (req.url ?? "/").split("?")[0]!,
          status,
          latencyMs: Math.round(performance.now() - started),
          ...(fault ? { fault } : {}),
        };
        opts.callLog.add(entry);
      }
    }
  });
  server.keepAliveTimeout = 5_000;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
