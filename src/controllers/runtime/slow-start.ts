/**
 * Upstream's slowStartBatch: runs `fn` for indexes 0…count-1 in batches of `initial`,
 * then twice as many each time (1, 2, 4, …). A batch with a failure stops the rest, so a
 * template the API refuses costs one request, not hundreds.
 */
export async function slowStartBatch(count: number, initial: number, fn: (i: number) => Promise<unknown>): Promise<{ successes: number; error?: unknown; errors?: unknown[] }> {
  let successes = 0;
  for (let next = 0, batch = Math.min(count, initial); batch > 0; next += batch, batch = Math.min(2 * batch, count - next)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(next + k)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    successes += batch - errors.length;
    if (errors.length) return { successes, error: errors[0], errors };
  }
  return { successes };
}
