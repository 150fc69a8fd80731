import type { Suppression } from "../src/config/schema.js";
import type { Finding } from "../src/model/finding.js";
import { scopeKey } from "../src/model/scope.js";

/**
 * Applies suppressions: a failing finding that matches an unexpired suppression becomes `muted` with its reason.
 * Expiry is judged against `now` (the snapshot's time); a suppression expires at the end of its date (UTC).
 */
export function applySuppressions(findings: Finding[], suppressions: readonly Suppression[], now: Date): Finding[] {
  if (suppressions.length === 0) return findings;
  const active = suppressions.filter((s) => Date.parse(`${s.expires}T23:59:59.999Z`) >= now.getTime());
  return findings.map((f) => {
    if (f.status !== "fail") return f;
    const s = active.find((sup) => matches(sup, f));
    return s ? { ...f, status: "muted", mute: { reason: s.reason, expires: s.expires } } : f;
  });
}

function matches(s: Suppression, f: Finding): boolean {
  if (s.check !== f.checkId) return false;
  if (s.finding && s.finding !== f.id) return false;
  if (s.scope && !glob(s.scope).test(scopeKey(f.scope))) return false;
  if (s.resource && !glob(s.resource).test(f.resource)) return false;
  return true;
}

/** `*` matches any run of characters, everything else literally. */
export function glob(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "i");
}
