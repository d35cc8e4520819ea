/**
 * Reads that requests arriving together share, without any of them taking an answer older than
 * its own arrival: a caller joins the read queued to start when the one in flight ends (or starts
 * one when none is in flight), never the read in flight, which was issued before it asked. So
 * every answer is as fresh as the caller's own read would have been, while N concurrent callers
 * cost about two reads instead of N.
 *
 * A shared read is issued in one request's context and awaited by others; `keepAlive` (the
 * issuing request's `waitUntil`) lets it finish even if that request's client goes away, so the
 * others never wait on a cancelled read.
 */
export class SharedReads<T> {
  readonly #inFlight = new Map<string, Promise<T>>();
  readonly #queued = new Map<string, Promise<T>>();

  read(key: string, issue: () => Promise<T>, keepAlive: (read: Promise<unknown>) => void): Promise<T> {
    const queued = this.#queued.get(key);
    if (queued) return queued;
    const start = () => {
      const read = issue();
      this.#inFlight.set(key, read);
      keepAlive(read);
      const done = () => {
        if (this.#inFlight.get(key) === read) this.#inFlight.delete(key);
      };
      read.then(done, done);
      return read;
    };
    const running = this.#inFlight.get(key);
    if (!running) return start();
    const startQueued = () => {
      this.#queued.delete(key);
      return start();
    };
    // Whatever the running read's outcome, the queued one runs: its callers asked after it began.
    const next = running.then(startQueued, startQueued);
    this.#queued.set(key, next);
    keepAlive(next);
    return next;
  }
}
