/**
 * Injected faults: latency + jitter, throttling, 5xx, timeouts and denied scopes. Deterministic for a seed: the n-th
 * request draws the n-th numbers of a seeded PRNG. The response of a fault comes from the owning handler's `fault()`.
 */
import { z } from "zod";
import { UserError } from "../errors.js";
import type { CallInfo, FaultKind } from "./types.js";

export const DenyRuleSchema = z.object({
  cloud: z.enum(["aws", "azure"]).optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  subscription: z.string().optional(),
  service: z.string().optional(),
  /** Operation name; `*` wildcards allowed (e.g. `Get*`). */
  operation: z.string().optional(),
});
export type DenyRule = z.infer<typeof DenyRuleSchema>;

export const FaultSpecSchema = z.object({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  jitterMs: z.number().int().min(0).max(60_000).default(0),
  /** Fraction 0..1 of requests answered with the service's throttling error. */
  throttleRate: z.number().min(0).max(1).default(0),
  /** Fraction 0..1 of requests answered with a 5xx. */
  serverErrorRate: z.number().min(0).max(1).default(0),
  /** Fraction 0..1 of requests held for `timeoutMs`, then dropped without a response. */
  timeoutRate: z.number().min(0).max(1).default(0),
  timeoutMs: z.number().int().min(0).max(120_000).default(5_000),
  /** Scopes answered with AccessDenied (AWS) / AuthorizationFailed (Azure). */
  deny: z.array(DenyRuleSchema).default([]),
  seed: z.number().int().default(1),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;
export type FaultSpecInput = z.input<typeof FaultSpecSchema>;

/** Merges fault specs: later numbers win when set, deny lists add up. */
export function mergeFaults(...specs: (FaultSpecInput | undefined)[]): FaultSpec {
  const out: FaultSpecInput = { deny: [] };
  for (const s of specs) {
    if (!s) continue;
    for (const [k, v] of Object.entries(s)) {
      if (v === undefined) continue;
      if (k === "deny") out.deny = [...(out.deny ?? []), ...(v as DenyRule[])];
      else (out as Record<string, unknown>)[k] = v;
    }
  }
  return FaultSpecSchema.parse(out);
}

/**
 * Parses the `--faults` flag: comma-separated `key=value` pairs.
 * `latency=MS`, `jitter=MS`, `throttle=RATE`, `5xx=RATE`, `timeout=RATE`, `timeoutMs=MS`, `seed=N`, and
 * `deny=SCOPE` (repeatable) where SCOPE is `[service[:Operation]][@account[/region]]` or `[service[:Operation]]@sub=ID`,
 * e.g. `deny=@222222222222`, `deny=cloudtrail:LookupEvents@*\/eu-west-1`, `deny=arm@sub=0000...`.
 */
export function parseFaultSpec(spec: string): FaultSpecInput {
  const out: FaultSpecInput = { deny: [] };
  for (const raw of spec.split(",")) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf("=");
    if (eq < 0) throw badFault(part);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const num = () => {
      const n = Number(value);
      if (!Number.isFinite(n) || value === "") throw badFault(part);
      return n;
    };
    switch (key) {
      case "latency":
        out.latencyMs = num();
        break;
      case "jitter":
        out.jitterMs = num();
        break;
      case "throttle":
        out.throttleRate = num();
        break;
      case "5xx":
        out.serverErrorRate = num();
        break;
      case "timeout":
        out.timeoutRate = num();
        break;
      case "timeoutMs":
        out.timeoutMs = num();
        break;
      case "seed":
        out.seed = num();
        break;
      case "deny":
        out.deny!.push(parseDenyScope(value, part));
        break;
      default:
        throw badFault(part);
    }
  }
  const res = FaultSpecSchema.safeParse(out);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new UserError(`invalid --faults value: ${issue.path.join(".")}: ${issue.message}`, {
      hint: "e.g. --faults latency=50,throttle=0.1,5xx=0.02,timeout=0.01,deny=kms@222222222222",
    });
  }
  return out;
}

function parseDenyScope(value: string, part: string): DenyRule {
  const rule: DenyRule = {};
  const at = value.indexOf("@");
  const what = at < 0 ? value : value.slice(0, at);
  const where = at < 0 ? "" : value.slice(at + 1);
  if (what) {
    const [service, operation] = what.split(":");
    if (service && service !== "*") rule.service = service;
    if (operation) rule.operation = operation;
  }
  if (where.startsWith("sub=")) {
    rule.subscription = where.slice(4);
  } else if (where) {
    const [account, region] = where.split("/");
    if (account && account !== "*") rule.account = account;
    if (region && region !== "*") rule.region = region;
  }
  if (Object.keys(rule).length === 0) throw badFault(part);
  return rule;
}

function badFault(part: string): UserError {
  return new UserError(`invalid --faults entry "${part}"`, {
    hint: "use key=value pairs: latency=MS, jitter=MS, throttle=RATE, 5xx=RATE, timeout=RATE, timeoutMs=MS, seed=N, deny=SERVICE[:OP]@ACCOUNT[/REGION]",
  });
}

function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === "*") return true;
  if (value === undefined) return false;
  if (!pattern.includes("*")) return pattern === value;
  return new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(value);
}

/** True when a deny rule matches the call. */
export function denyMatches(rule: DenyRule, call: CallInfo): boolean {
  return (
    glob(rule.cloud, call.cloud) &&
    glob(rule.account, call.account) &&
    glob(rule.region, call.region) &&
    glob(rule.subscription, call.subscription) &&
    glob(rule.service, call.service) &&
    glob(rule.operation, call.operation)
  );
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  delayMs: number;
  fault?: FaultKind;
}

export class FaultEngine {
  private readonly rand: () => number;
  constructor(readonly spec: FaultSpec) {
    this.rand = prng(spec.seed);
  }
  /** Decides latency and fault for one request (draws a fixed number of random values per call). */
  decide(call: CallInfo): FaultDecision {
    const r1 = this.rand();
    const r2 = this.rand();
    const jitter = this.spec.jitterMs > 0 ? Math.round((r1 * 2 - 1) * this.spec.jitterMs) : 0;
    const delayMs = Math.max(0, this.spec.latencyMs + jitter);
    if (this.spec.deny.some((d) => denyMatches(d, call))) return { delayMs, fault: "denied" };
    let acc = this.spec.timeoutRate;
    if (r2 < acc) return { delayMs, fault: "timeout" };
    acc += this.spec.throttleRate;
    if (r2 < acc) return { delayMs, fault: "throttle" };
    acc += this.spec.serverErrorRate;
    if (r2 < acc) return { delayMs, fault: "server-error" };
    return { delayMs };
  }
}
