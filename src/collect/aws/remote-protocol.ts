/**
 * Messages between the scan's main thread and its AWS worker threads (remote.ts, worker.ts). Types only: both sides
 * import it, neither loads anything through it.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import type { AwsServiceKey } from "./clients.js";

/** The SDK clients a worker builds (one module each, see worker.ts). */
export type RemoteService = "cloudtrail" | "logs" | "ec2" | "kms" | "sts" | "org" | "s3" | "cloudwatch" | "sns";

/** The scan's connection settings, as plain values (the main thread resolved them once, http.ts). */
export interface WorkerConnection {
  env: Record<string, string>;
  endpointUrl?: string;
  defaultRegion: string;
  maxAttempts?: number;
  sdk?: { common: Record<string, unknown>; s3: Record<string, unknown>; maxAttempts: number };
  maxSockets: number;
}

/** Sent once when the worker is started (`workerData`). */
export interface WorkerStart {
  /** The scan's SharedLimiter: every HTTP request of the worker takes one of its slots. */
  limiterBuffer: SharedArrayBuffer;
  concurrency: number;
}

export type ToWorker =
  | { t: "configure"; conn: WorkerConnection }
  | {
      t: "call";
      id: number;
      identity: number;
      service: RemoteService;
      region: string;
      /** The command's class name (`LookupEventsCommand`). */
      command: string;
      input: unknown;
      credentials: AwsCredentialIdentity;
      /** Each attempt waits for a token of the main thread's rate gate (`take` / `token` / `release`). */
      gated: boolean;
    }
  | { t: "abort"; id: number }
  /** A token for the next attempt of call `id`; `aborted`: none will come (the call was cancelled). */
  | { t: "token"; id: number; aborted?: boolean }
  /** Drop an identity's clients (`prefix`: of that service only). */
  | { t: "drop"; identity: number; service?: RemoteService };

/** An SDK error as plain data: the fields the collectors classify errors by. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export type FromWorker =
  | { t: "result"; id: number; output: unknown }
  | { t: "error"; id: number; error: SerializedError }
  | { t: "retry"; service: AwsServiceKey; operation: string; region: string; attempt: number; throttled: boolean }
  | { t: "take"; id: number }
  | { t: "release"; id: number };
