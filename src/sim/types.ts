/**
 * The contract between the simulator's HTTP server (src/sim/server.ts) and its protocol handlers
 * (src/sim/aws/*, src/sim/azure/*). The server parses the request, asks each handler to identify it, applies
 * faults and denials, calls the handler, and records the call log. Handlers own their cloud's state.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface SimRequest {
  method: string;
  /** Path without the query string, e.g. `/` or `/subscriptions/x/providers/...`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** What a request is: filled in by the handler that owns it. */
export interface CallInfo {
  cloud: "aws" | "azure";
  /** aws: cloudtrail | logs | organizations | kms | ec2 | sts | s3; azure: arm | loganalytics. */
  service: string;
  /** aws: the API operation name (DescribeTrails); azure: a stable name such as `diagnosticSettings.list`. */
  operation: string;
  /** true when the call changes state (fix scripts); a scan must make none. */
  write: boolean;
  account?: string;
  region?: string;
  subscription?: string;
}

export type FaultKind = "throttle" | "server-error" | "denied" | "timeout";

/** One line of the call log (kept in memory, optionally written as JSONL). */
export interface CallLogEntry extends CallInfo {
  time: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  /** Set when the response was an injected fault rather than the handler's answer. */
  fault?: FaultKind;
}

export interface SimContext {
  /** The simulator's clock; scenario-relative times are resolved against the start time. */
  now(): Date;
}

export interface ProtocolHandler {
  readonly name: string;
  /** Returns the call's identity when this handler owns the request, otherwise undefined. */
  identify(req: SimRequest): CallInfo | undefined;
  handle(req: SimRequest, call: CallInfo, ctx: SimContext): Promise<SimResponse> | SimResponse;
  /** The protocol-correct error response for an injected fault (AWS error shapes, Azure 429 + Retry-After, ...). */
  fault(kind: Exclude<FaultKind, "timeout">, call: CallInfo): SimResponse;
}
