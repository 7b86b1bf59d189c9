/**
 * Coalesces concurrent work on the same key: the first caller (the leader) runs it, callers that arrive
 * while it runs get the leader's promise instead of starting their own.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** The running promise for `key`, if any. */
  joining(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  /** Registers the leader's work; the key is free again once it settles. */
  lead(key: string, work: Promise<T>): Promise<T> {
    const p = work.finally(() => {
      this.inFlight.delete(key);
    });
    this.inFlight.set(key, p);
    return p;
  }
}
