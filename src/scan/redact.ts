/**
 * The last line of defence for secrets: every string a scan hands out (the snapshot's facts, ScanEvents, error
 * messages) passes through `redactText`, which removes secret-shaped text (collect/errors.ts `redact`: signed
 * URLs, SAS `sig=`, bearer tokens, JWTs, access key ids, connection-string keys, URL passwords) and the exact values
 * of the secrets in the scan's environment (secret keys, session tokens, client secrets, URL passwords).
 */
import { redact } from "../collect/errors.js";
import type { ScanEventSink } from "../model/events.js";

/** Environment variables whose value is a secret, whatever it looks like. */
const SECRET_ENV = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|_KEY$|^AZURE_CLIENT_CERTIFICATE/i;
/** Not secrets: identifiers and paths that happen to match SECRET_ENV. */
const NOT_SECRET_ENV = /^(AWS_ACCESS_KEY_ID|AWS_WEB_IDENTITY_TOKEN_FILE|AZURE_FEDERATED_TOKEN_FILE|.*_FILE|.*_PATH)$/i;

/** The secret values of an environment (length >= 6): exact strings to remove from any output. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_ENV.test(name) && !NOT_SECRET_ENV.test(name) && value.length >= 6) out.add(value);
    // Passwords in URL user info (AWS_ENDPOINT_URL=http://user:pw@host, proxies).
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(value)) {
      try {
        const u = new URL(value);
        if (u.password.length >= 4) {
          out.add(u.password);
          out.add(decodeURIComponent(u.password));
        }
      } catch {}
    }
  }
  // Longest first, so a value containing another is removed whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Redacts one string: secret-shaped text and the known secret values. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
  return redact(out);
}

/**
 * A JSON-like value with every string redacted (object keys are left alone). The input is never changed: an array or
 * object holding a redacted string is copied; the parts with nothing to redact are shared with the input (a
 * snapshot of a large estate is mostly ids and names: copying all of it cost more than the redaction).
 */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  return walk(value, secrets) as T;
}

function walk(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === "string") return redactText(v, secrets);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = walk(x, secrets);
      if (y !== x) {
        out ??= v.slice();
        out[i] = y;
      }
    }
    return out ?? v;
  }
  if (v && typeof v === "object" && !(v instanceof Date)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const y = walk(x, secrets);
      if (y !== x) {
        out ??= { ...(v as Record<string, unknown>) };
        out[k] = y;
      }
    }
    return out ?? v;
  }
  return v;
}

/** A ScanEvent sink that redacts every event before passing it on. */
export function redactingSink(emit: ScanEventSink, secrets: readonly string[]): ScanEventSink {
  return (event) => {
    // api-call and progress events carry only our own names and ids: the hot path skips the walk.
    if (event.type === "api-call" || event.type === "progress") return emit(event);
    emit(redactDeep(event, secrets));
  };
}

/** Redacts an error's message (and a UserError's hint) in place, so the CLI prints no secret. */
export function redactError(err: unknown, secrets: readonly string[]): unknown {
  if (err instanceof Error) {
    err.message = redactText(err.message, secrets);
    const e = err as Error & { hint?: unknown };
    if (typeof e.hint === "string") {
      try {
        e.hint = redactText(e.hint, secrets);
      } catch {}
    }
    if (err.stack) err.stack = redactText(err.stack, secrets);
  }
  return err;
}
