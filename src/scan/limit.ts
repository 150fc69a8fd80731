/** Bounds how many tasks run at once (`Limiter` in one thread, `SharedLimiter` across worker threads). */
export interface ConcurrencyLimit {
  readonly max: number;
  /** Runs `fn` when a slot is free; the slot is held until `fn`'s promise settles. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * A counting semaphore: at most `max` tasks run at once; the rest wait in FIFO order. A finished task hands its slot
 * straight to the oldest waiter: the slot is never free between the two, so a caller arriving while the waiter
 * wakes up (a microtask later) queues instead of taking it as well.
 */
export class Limiter implements ConcurrencyLimit {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error("Limiter needs max >= 1");
  }

  /** Runs `fn` when a slot is free. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * A counting semaphore shared by several threads: the count lives in a SharedArrayBuffer, so the main thread and the
 * AWS worker threads (src/collect/aws/remote.ts) take slots of one bound. A slot is taken with a compare-and-swap; a
 * task that finds every slot taken waits (`Atomics.waitAsync`, never blocking its thread) until one is given back.
 * The bound is exact; the order in which waiters get a slot is not strictly first come, first served.
 */
export class SharedLimiter implements ConcurrencyLimit {
  private readonly count: Int32Array;
  constructor(
    readonly max: number,
    /** The buffer of another thread's SharedLimiter (the same bound), or a new one. */
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4),
  ) {
    if (!(max >= 1)) throw new Error("SharedLimiter needs max >= 1");
    this.count = new Int32Array(buffer);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      Atomics.sub(this.count, 0, 1);
      Atomics.notify(this.count, 0, 1);
    }
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const n = Atomics.load(this.count, 0);
      if (n < this.max) {
        if (Atomics.compareExchange(this.count, 0, n, n + 1) === n) return;
        continue;
      }
      // Sleeps only while the count is still `n` (a slot given back in between makes this return at once). Each slot
      // given back wakes one sleeper; one that then loses the slot to a newcomer sleeps again, and the newcomer's
      // slot wakes the next, so no slot stays free while a task sleeps.
      const w = Atomics.waitAsync(this.count, 0, n);
      if (w.async) await w.value;
    }
  }
}

/** Maps over items with at most `concurrency` in flight, keeping input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}
