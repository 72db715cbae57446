/**
 * Runs `work` with a signal that aborts after `ms`, and stops the timer as soon as the work
 * settles. `AbortSignal.timeout` would abort alike, but @discordjs/rest leaves its abort
 * listener on the signal, and Node keeps a timeout signal that has listeners alive until it
 * fires: one per post, for minutes, which a burst of deliveries adds up in the heap.
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('deadline passed', 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
