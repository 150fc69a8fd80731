/** Deterministic hashing, ids and picks for the Azure simulator (no Math.random: scenarios must reproduce). */

/** FNV-1a 32-bit state after feeding `s`, continuing from state `h` (unmixed). */
function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** The fmix32 finaliser (MurmurHash3) of an FNV-1a state. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over a string, mixed (fmix32) so nearby inputs spread. */
export function hash32(s: string): number {
  return fmix32(fnv1a(s));
}

/** A number in [0, 1) from the parts. */
export function unit(...parts: (string | number)[]): number {
  return hash32(parts.join("\u0001")) / 0x1_0000_0000;
}

/** Picks an element deterministically. */
export function pick<T>(items: readonly T[], ...parts: (string | number)[]): T {
  return items[Math.floor(unit(...parts) * items.length)]!;
}

/** A version-4-shaped GUID derived from the parts. */
export function guidFrom(...parts: (string | number)[]): string {
  // hash32(`${key}\u0002${i}`) for i = 0..3, hashing the shared prefix once (FNV-1a is a running hash).
  const prefix = fnv1a(`${parts.join("\u0001")}\u0002`);
  let hex = "";
  for (let i = 0; hex.length < 32; i++)
    hex += fmix32(fnv1a(String(i), prefix))
      .toString(16)
      .padStart(8, "0");
  const variant = "89ab"[Number.parseInt(hex[16]!, 16) % 4]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** mulberry32: a small seeded PRNG for generators. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
