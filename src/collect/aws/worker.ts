/**
 * An AWS worker thread (remote.ts): sends the SDK calls the main thread hands it, with the same client factory,
 * read-only guard, retries and HTTP layer as the main thread, and answers with plain data.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AwsCredentialIdentity } from "@smithy/types";
import { SharedLimiter } from "../../scan/limit.js";
import { guardAwsClient } from "../../scan/read-only.js";
import { AwsClients, type AwsConnection } from "./clients.js";
import { SharedHttpHandler } from "./http.js";
import { serializeError } from "./remote.js";
import type { FromWorker, RemoteService, ToWorker, WorkerConnection, WorkerStart } from "./remote-protocol.js";

const port = parentPort;
if (!port) throw new Error("worker.ts runs as a worker thread");
const start = workerData as WorkerStart;
const limiter = new SharedLimiter(start.concurrency, start.limiterBuffer);

type Sdk = Record<string, unknown>;
/** The SDK module of each service, loaded on first use (EC2's is large and serves one call per account). */
const modules: Record<RemoteService, () => Promise<Sdk>> = {
  cloudtrail: () => import("@aws-sdk/client-cloudtrail"),
  logs: () => import("@aws-sdk/client-cloudwatch-logs"),
  ec2: () => import("@aws-sdk/client-ec2"),
  kms: () => import("@aws-sdk/client-kms"),
  sts: () => import("@aws-sdk/client-sts"),
  org: () => import("@aws-sdk/client-organizations"),
  s3: () => import("@aws-sdk/client-s3"),
  cloudwatch: () => import("@aws-sdk/client-cloudwatch"),
  sns: () => import("@aws-sdk/client-sns"),
};
const loaded = new Map<RemoteService, Promise<Sdk>>();
function sdk(service: RemoteService): Promise<Sdk> {
  let m = loaded.get(service);
  if (!m) {
    m = modules[service]();
    loaded.set(service, m);
  }
  return m;
}
// The services every account uses start loading now, while the main thread lists the organization.
for (const s of ["cloudtrail", "logs", "s3", "kms"] as const) void sdk(s).catch(() => {});

let conn: AwsConnection | undefined;
let configured: () => void;
const ready = new Promise<void>((r) => {
  configured = r;
});

function configure(c: WorkerConnection): void {
  const resolved = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, async () => v]));
  conn = {
    env: c.env,
    ...(c.endpointUrl ? { endpointUrl: c.endpointUrl } : {}),
    defaultRegion: c.defaultRegion,
    ...(c.maxAttempts ? { maxAttempts: c.maxAttempts } : {}),
    onRetry: (info) => post({ t: "retry", ...info }),
    http: new SharedHttpHandler(limiter, c.maxSockets),
    ...(c.sdk
      ? {
          sdk: {
            common: resolved(c.sdk.common) as unknown as NonNullable<AwsConnection["sdk"]>["common"],
            s3: resolved(c.sdk.s3),
            maxAttempts: c.sdk.maxAttempts,
          },
        }
      : {}),
  };
  configured();
}

interface Identity {
  credentials: AwsCredentialIdentity;
  clients: AwsClients;
  /** CloudWatch and SNS clients (detection), built here like detection/aws.ts builds them. */
  extra: Map<string, { send: (c: unknown, o?: unknown) => Promise<unknown>; destroy(): void }>;
}
const identities = new Map<number, Identity>();

function identityOf(id: number, credentials: AwsCredentialIdentity): Identity {
  let who = identities.get(id);
  if (!who) {
    const holder: Identity = {
      credentials,
      clients: undefined as unknown as AwsClients,
      extra: new Map(),
    };
    holder.clients = new AwsClients(conn!, async () => holder.credentials);
    identities.set(id, holder);
    who = holder;
  }
  who.credentials = credentials;
  return who;
}

type Sendable = { send: (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown> };

async function clientFor(who: Identity, service: RemoteService, region: string): Promise<Sendable> {
  return (await sdkClient(who, service, region)) as unknown as Sendable;
}

async function sdkClient(who: Identity, service: RemoteService, region: string): Promise<unknown> {
  switch (service) {
    case "cloudtrail":
      return who.clients.cloudtrail(region);
    case "logs":
      return who.clients.logs(region);
    case "ec2":
      return who.clients.ec2(region);
    case "kms":
      return who.clients.kms(region);
    case "sts":
      return who.clients.sts(region);
    case "org":
      return who.clients.organizations();
    case "s3":
      return who.clients.s3(region);
    case "cloudwatch":
    case "sns": {
      const key = `${service}/${region}`;
      let c = who.extra.get(key);
      if (!c) {
        const m = await sdk(service);
        const Ctor = m[service === "cloudwatch" ? "CloudWatchClient" : "SNSClient"] as new (
          config: unknown,
        ) => NonNullable<typeof c>;
        c = guardAwsClient(new Ctor(who.clients.clientConfig(service === "cloudwatch" ? "CLOUDWATCH" : "SNS", region)));
        who.extra.set(key, c);
      }
      return c;
    }
  }
}

const controllers = new Map<number, AbortController>();
const tokens = new Map<number, (ok: boolean) => void>();

function post(m: FromWorker): void {
  port!.postMessage(m);
}

/** Per attempt (inside the SDK's retry loop): a token of the main thread's rate gate, given back when it ends. */
function gateMiddleware(id: number) {
  return (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    const ok = await new Promise<boolean>((resolve) => {
      tokens.set(id, resolve);
      post({ t: "take", id });
    });
    if (!ok) throw Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
    try {
      return await next(args);
    } finally {
      post({ t: "release", id });
    }
  };
}

async function call(m: Extract<ToWorker, { t: "call" }>): Promise<void> {
  const controller = new AbortController();
  controllers.set(m.id, controller);
  try {
    await ready;
    const who = identityOf(m.identity, m.credentials);
    const [client, module] = await Promise.all([clientFor(who, m.service, m.region), sdk(m.service)]);
    const Ctor = module[m.command];
    if (typeof Ctor !== "function") throw new Error(`blindspot worker: no command ${m.command} in ${m.service}`);
    const command = new (Ctor as new (input: unknown) => { middlewareStack: { add: (...a: unknown[]) => void } })(
      m.input,
    );
    if (m.gated) {
      command.middlewareStack.add(gateMiddleware(m.id), {
        step: "deserialize",
        priority: "low",
        name: "blindspotLookupEventsBucket",
      });
    }
    const out = (await client.send(command, { abortSignal: controller.signal })) as Record<string, unknown>;
    const body = out?.Body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined;
    const output = body?.transformToByteArray ? { ...out, Body: await body.transformToByteArray() } : out;
    post({ t: "result", id: m.id, output });
  } catch (err) {
    post({ t: "error", id: m.id, error: serializeError(err) });
  } finally {
    controllers.delete(m.id);
    tokens.delete(m.id);
  }
}

port.on("message", (m: ToWorker) => {
  switch (m.t) {
    case "configure":
      configure(m.conn);
      return;
    case "call":
      void call(m);
      return;
    case "abort":
      controllers.get(m.id)?.abort();
      tokens.get(m.id)?.(false);
      return;
    case "token":
      tokens.get(m.id)?.(!m.aborted);
      tokens.delete(m.id);
      return;
    case "drop": {
      const who = identities.get(m.identity);
      if (!who) return;
      if (m.service === "cloudtrail") who.clients.dropCloudTrail();
      else {
        who.clients.destroy();
        for (const c of who.extra.values()) c.destroy();
        who.extra.clear();
      }
      return;
    }
  }
});
