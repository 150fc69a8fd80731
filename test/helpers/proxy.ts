/**
 * A loopback front for the simulator that lets a test answer (or drop) chosen requests itself and forwards the rest
 * unchanged: throttling beyond the SDK's retries, a region whose connections are reset, and the like.
 */
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What a test does with one request: answer it, drop the connection, or (undefined) forward it. */
export type Intercept = { status: number; headers?: Record<string, string>; body: string } | "drop" | undefined;

export interface TestProxy {
  url: string;
  close(): Promise<void>;
}

export async function startProxy(
  target: string,
  intercept: (req: IncomingMessage, body: Buffer) => Intercept,
): Promise<TestProxy> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const answer = intercept(req, body);
      if (answer === "drop") {
        req.socket.destroy();
        return;
      }
      if (answer) {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body);
        return;
      }
      const up = request(
        { host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
