/**
 * AWS SDK work on worker threads.
 *
 * The scanner spends most of its CPU inside the AWS SDK (building clients, resolving middleware and endpoints,
 * signing, serialising, parsing: about 2 ms per call), so one thread cannot keep `--concurrency` requests on the wire
 * for a large organization. Member accounts' SDK calls are sent from worker threads instead: the main thread keeps
 * every decision (what to call, when, with which rate gate, what the answer means) and hands each call to a worker
 * as plain data: the command's name and input and the identity's current credentials. The worker builds the SDK
 * clients (the same `AwsClients` factory, read-only guard, retries and shared HTTP handler as the main thread) and
 * answers with the output or the error as plain data.
 *
 * - The scan's concurrency bound is one `SharedLimiter` for every thread: each HTTP request of a worker takes a slot
 *   exactly as one of the main thread does.
 * - A rate-gated call (LookupEvents, 2/s per account-region) asks the main thread for a token before each attempt
 *   (its SDK retries too) and gives it back when the attempt ends: the gates stay in one place.
 * - All clients of one identity live in one worker, so each client keeps one adaptive retry limiter as before.
 * - Cancelling the call's signal aborts the request in the worker.
 *
 * Only the plain parts of an output cross threads; an S3 object's body is read in the worker and handed over as
 * bytes behind the SDK's `transformToByteArray` / `transformToString`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { isAwsReadOperation, ReadOnlyViolation } from "../../scan/read-only.js";
import type { AbortedError, Release, TokenBucket } from "../../scan/token-bucket.js";
import type { AwsConnection } from "./clients.js";
import type {
  FromWorker,
  RemoteService,
  SerializedError,
  ToWorker,
  WorkerConnection,
  WorkerStart,
} from "./remote-protocol.js";

/** The rate gate a command's attempts go through (set by the sampling collector on LookupEvents). */
const gates = new WeakMap<object, { bucket: TokenBucket; signal: AbortSignal | undefined }>();

/** Marks a command whose every attempt takes a token of `bucket` (only read when the command is sent remotely). */
export function gateRemote(command: object, bucket: TokenBucket, signal: AbortSignal | undefined): void {
  gates.set(command, { bucket, signal });
}

/** The worker script: next to this module when built; from sources (tests), the build's copy. */
function workerScript(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (!import.meta.url.endsWith(".ts")) return here;
  const built = new URL(import.meta.url.replace(/\/src\/collect\/aws\/remote\.ts$/, "/dist/src/collect/aws/worker.js"));
  if (!existsSync(fileURLToPath(built))) {
    throw new Error("the AWS worker script is not built: run `npm run build` first (npm test does)");
  }
  return built;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  worker: Worker;
  gate?: { bucket: TokenBucket; signal: AbortSignal | undefined };
  /** The token the call's current attempt holds. */
  release?: Release;
  detach?: () => void;
}

export class AwsWorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextIdentity = 1;
  private onRetry: AwsConnection["onRetry"];
  private closed = false;

  constructor(count: number, start: WorkerStart) {
    const script = workerScript();
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(script, { workerData: start });
      w.on("message", (m: FromWorker) => this.onMessage(w, m));
      w.on("error", (err) => this.failAll(w, err));
      w.on("exit", (code) => {
        if (!this.closed) this.failAll(w, new Error(`an AWS worker thread stopped (exit code ${code})`));
      });
      // The scan closes the pool when it ends (runScan's `finally`).
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Calls wait for the workers to have the scan's connection settings. */
  private configured: Promise<void> | undefined;

  /** Hands the scan's connection settings to the workers (before the first call; calls wait for it). */
  configure(conn: AwsConnection, maxSockets: number): void {
    this.onRetry = conn.onRetry;
    this.configured = (async () => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(conn.env)) {
        if (v !== undefined && (k.startsWith("AWS_ENDPOINT_URL") || k === "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
          env[k] = v;
      }
      const values = async (o: object) => {
        const out: Record<string, unknown> = {};
        for (const [k, f] of Object.entries(o)) out[k] = await (f as () => Promise<unknown>)();
        return out;
      };
      const plain: WorkerConnection = {
        env,
        ...(conn.endpointUrl ? { endpointUrl: conn.endpointUrl } : {}),
        defaultRegion: conn.defaultRegion,
        ...(conn.maxAttempts ? { maxAttempts: conn.maxAttempts } : {}),
        ...(conn.sdk
          ? {
              sdk: {
                common: await values(conn.sdk.common),
                s3: await values(conn.sdk.s3),
                maxAttempts: conn.sdk.maxAttempts,
              },
            }
          : {}),
        maxSockets,
      };
      for (const w of this.workers) this.post(w, { t: "configure", conn: plain });
    })();
  }

  /** A new identity (one assumed role): its clients live in one worker. */
  identity(credentials: AwsCredentialIdentityProvider): RemoteIdentity {
    const id = this.nextIdentity++;
    return new RemoteIdentity(this, id, this.workers[id % this.workers.length]!, credentials);
  }

  /** Sends one command to the identity's worker. */
  async call(
    who: RemoteIdentity,
    service: RemoteService,
    region: string,
    command: { input: unknown },
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const name = command.constructor.name;
    // The workers' clients refuse writes too; refusing here keeps the error on the caller's stack.
    if (!isAwsReadOperation(name)) throw new ReadOnlyViolation("aws", name.replace(/Command$/, ""));
    if (signal?.aborted) throw abortError();
    await this.configured;
    const credentials = await who.credentials();
    if (signal?.aborted) throw abortError();
    const id = this.nextId++;
    const gate = gates.get(command);
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, worker: who.worker, ...(gate ? { gate } : {}) };
      if (signal) {
        const onAbort = () => this.post(who.worker, { t: "abort", id });
        signal.addEventListener("abort", onAbort, { once: true });
        p.detach = () => signal.removeEventListener("abort", onAbort);
      }
      this.pending.set(id, p);
      this.post(who.worker, {
        t: "call",
        id,
        identity: who.id,
        service,
        region,
        command: name,
        input: command.input,
        credentials,
        gated: gate !== undefined,
      });
    });
  }

  drop(who: RemoteIdentity, service?: RemoteService): void {
    this.post(who.worker, { t: "drop", identity: who.id, ...(service ? { service } : {}) });
  }

  /** Stops the workers (end of the scan). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(undefined, new Error("the scan's AWS worker threads were stopped"));
  }

  private post(w: Worker, m: ToWorker): void {
    if (!this.closed) w.postMessage(m);
  }

  private onMessage(w: Worker, m: FromWorker): void {
    switch (m.t) {
      case "result":
      case "error": {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.detach?.();
        p.release?.();
        if (m.t === "result") p.resolve(m.output);
        else p.reject(deserializeError(m.error));
        return;
      }
      case "retry":
        this.onRetry?.({
          service: m.service,
          operation: m.operation,
          region: m.region,
          attempt: m.attempt,
          throttled: m.throttled,
        });
        return;
      case "take": {
        const p = this.pending.get(m.id);
        if (!p?.gate) return this.post(w, { t: "token", id: m.id, aborted: true });
        p.gate.bucket.take(p.gate.signal).then(
          (release) => {
            if (!this.pending.has(m.id)) return release();
            p.release = release;
            this.post(w, { t: "token", id: m.id });
          },
          (_err: AbortedError) => this.post(w, { t: "token", id: m.id, aborted: true }),
        );
        return;
      }
      case "release": {
        const p = this.pending.get(m.id);
        p?.release?.();
        if (p) delete p.release;
        return;
      }
    }
  }

  private failAll(w: Worker | undefined, err: unknown): void {
    for (const [id, p] of this.pending) {
      if (w && p.worker !== w) continue;
      this.pending.delete(id);
      p.detach?.();
      p.release?.();
      p.reject(err);
    }
  }
}

/** One identity's handle on the pool. */
export class RemoteIdentity {
  constructor(
    readonly pool: AwsWorkerPool,
    readonly id: number,
    readonly worker: Worker,
    readonly credentials: AwsCredentialIdentityProvider,
  ) {}

  /** A stand-in for one SDK client of this identity: `send(command, { abortSignal })` runs in the worker. */
  client(service: RemoteService, region: string): RemoteAwsClient {
    return new RemoteAwsClient(this, service, region);
  }
}

export class RemoteAwsClient {
  constructor(
    private readonly who: RemoteIdentity,
    readonly service: RemoteService,
    readonly region: string,
  ) {}

  async send(command: { input: unknown }, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const out = await this.who.pool.call(this.who, this.service, this.region, command, options?.abortSignal);
    return withBody(out);
  }

  /** The worker's client is dropped with `AwsClients.drop`; this stand-in holds nothing. */
  destroy(): void {}
}

/** An S3 object body crossed threads as bytes: give it back the SDK's stream mixin methods the collectors use. */
function withBody(out: unknown): unknown {
  const o = out as { Body?: unknown } | undefined;
  if (!o || !(o.Body instanceof Uint8Array)) return out;
  const bytes = o.Body;
  return {
    ...o,
    Body: {
      transformToByteArray: async () => bytes,
      transformToString: async (encoding?: BufferEncoding) => Buffer.from(bytes).toString(encoding ?? "utf8"),
    },
  };
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}

/** Turns an error back into an Error with the SDK's fields (name, $metadata, $fault, Code, ...). */
export function deserializeError(e: SerializedError): Error {
  const err = Object.assign(new Error(e.message), e.fields);
  Object.defineProperty(err, "name", { value: e.name, enumerable: false, configurable: true, writable: true });
  if (e.stack) err.stack = e.stack;
  return err;
}

/** The error as plain data (worker side): every own field that can cross threads, but the raw HTTP response. */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(err)) {
    if (k === "$response") continue;
    const v = (err as unknown as Record<string, unknown>)[k];
    if (isPlain(v)) fields[k] = v;
  }
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), fields };
}

function isPlain(v: unknown, depth = 0): boolean {
  if (v === null || ["string", "number", "boolean", "undefined"].includes(typeof v)) return true;
  if (depth > 3 || typeof v !== "object") return false;
  if (v instanceof Date) return true;
  if (Array.isArray(v)) return v.every((x) => isPlain(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v as object).every((x) => isPlain(x, depth + 1));
}
