/** Small deterministic helpers shared by the AWS simulator. */
import { prng } from "../faults.js";

export { prng };

/** FNV-1a 32-bit hash of a string (seeds, deterministic choices). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A random-looking v4 UUID drawn from `rand`. */
export function uuidFrom(rand: () => number): string {
  let hex = "";
  for (let i = 0; i < 4; i++)
    hex += Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  const v = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${v}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Deterministic UUID for a key. */
export function uuidFor(key: string): string {
  return uuidFrom(prng(hash32(key)));
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** Deterministic upper-case id body of `len` chars (IAM unique ids, access key ids). */
export function idBody(key: string, len: number): string {
  const r = prng(hash32(key));
  let s = "";
  for (let i = 0; i < len; i++) s += B32[Math.floor(r() * 32)];
  return s;
}

/** ISO timestamp without milliseconds, as CloudTrail writes eventTime. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export const DAY_MS = 86_400_000;
