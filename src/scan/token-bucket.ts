/**
 * Rate gates for APIs with hard per-scope rate limits: CloudTrail LookupEvents (2 requests/s per account and
 * region) and Log Analytics queries (200 queries per 30 s per user).
 *
 * A `TokenBucket` holds `burst` tokens. Taking one sends a request; the token comes back `intervalMs` after that
 * request's *response* arrived (not after it was sent). So any `burst + 1` requests are at least `intervalMs`
 * apart as the server sees them, whatever the network latency: the server's own bucket (2 tokens, 2/s for
 * LookupEvents) is never exceeded, and the call log never shows more than `burst` calls in any `intervalMs` window.
 */

export class AbortedError extends Error {
  override name = "AbortError";
  constructor() {
    super("The operation was aborted");
  }
}

export interface TokenBucketOptions {
  /** Tokens available at once (requests that may start together). */
  burst: number;
  /** How long a token stays out after its request finished. */
  intervalMs: number;
}

/** A token is returned with `release()`; until then it counts as taken. */
export type Release = () => void;

export class TokenBucket {
  readonly burst: number;
  readonly intervalMs: number;
  /** Times (ms) at which each token not currently out becomes usable again. */
  private readonly ready: number[] = [];
  private readonly queue: { resolve: (r: Release) => void; detach: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Tokens handed out so far (tests and progress). */
  taken = 0;

  constructor(
    opts: TokenBucketOptions,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(opts.burst >= 1) || !(opts.intervalMs >= 0)) throw new Error("TokenBucket needs burst >= 1, intervalMs >= 0");
    this.burst = opts.burst;
    this.intervalMs = opts.intervalMs;
    for (let i = 0; i < opts.burst; i++) this.ready.push(0);
  }

  /** Waits (FIFO) for a token. Call the returned function once the request's response or error has arrived. */
  take(signal?: AbortSignal): Promise<Release> {
    return new Promise<Release>((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError());
      const onAbort = () => {
        const i = this.queue.indexOf(w);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new AbortedError());
      };
      const w = { resolve, detach: () => signal?.removeEventListener("abort", onAbort) };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(w);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      this.ready.sort((a, b) => a - b);
      const first = this.ready[0];
      if (first === undefined) return; // every token is out: a release pumps again
      const wait = first - this.clock();
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      this.ready.shift();
      const w = this.queue.shift()!;
      w.detach();
      w.resolve(this.lend());
    }
  }

  private lend(): Release {
    this.taken++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.ready.push(this.clock() + this.intervalMs);
      this.pump();
    };
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }
}

/** Token buckets by key (e.g. `lookup/<account>/<region>`), created on first use with the same options. */
export class TokenBuckets {
  private readonly map = new Map<string, TokenBucket>();
  constructor(
    private readonly opts: TokenBucketOptions,
    private readonly clock: () => number = Date.now,
  ) {}
  get(key: string): TokenBucket {
    let b = this.map.get(key);
    if (!b) {
      b = new TokenBucket(this.opts, this.clock);
      this.map.set(key, b);
    }
    return b;
  }
}

/**
 * CloudTrail LookupEvents: 2 requests/s per account and region, burst 2. The 50 ms margin absorbs clock and timer
 * jitter so the server never sees three requests inside one second.
 */
export const LOOKUP_EVENTS_LIMIT: TokenBucketOptions = { burst: 2, intervalMs: 1050 };
/** Log Analytics: 200 queries per 30 s per user. */
export const LOG_ANALYTICS_LIMIT: TokenBucketOptions = { burst: 200, intervalMs: 30_000 };

/** The LookupEvents bucket of one account-region. */
export function lookupBucketKey(accountId: string, region: string): string {
  return `lookup/${accountId}/${region}`;
}

const THROTTLE = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|RateExceeded|Rate exceeded/i;

/** True for the throttling errors of AWS and Azure (code, name, message or HTTP 429). */
export function isThrottle(err: unknown): boolean {
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    statusCode?: number;
    $metadata?: { httpStatusCode?: number };
  };
  if (e.$metadata?.httpStatusCode === 429 || e.statusCode === 429) return true;
  return THROTTLE.test(`${e.name ?? ""} ${e.code ?? ""}`) || (e.name === undefined && THROTTLE.test(e.message ?? ""));
}

export interface RetryOptions {
  signal?: AbortSignal;
  /** Attempts in total (default 10). */
  attempts?: number;
  /** First backoff (doubles, capped at 8 s, with jitter). Default 500 ms. */
  baseMs?: number;
  /** Told before each wait after a throttle. */
  onThrottle?: (attempt: number, waitMs: number) => void;
  /** Which errors are retried (default: isThrottle). */
  retryIf?: (err: unknown) => boolean;
}

/**
 * Runs `fn` and retries it on throttling errors only, with exponential backoff: a throttled page is fetched again,
 * never skipped. Other errors propagate at once. After `attempts` throttles the last error propagates.
 */
export async function retryThrottled<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 10;
  const base = opts.baseMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new AbortedError();
    try {
      return await fn();
    } catch (err) {
      if (!(opts.retryIf ?? isThrottle)(err) || attempt >= attempts) throw err;
      const wait = Math.min(8000, base * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      opts.onThrottle?.(attempt, Math.round(wait));
      await sleep(wait, opts.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
