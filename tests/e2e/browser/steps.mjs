// The browser tests' steps: each named and timed as it passes, the current one named when one fails, and
// polling until the page shows what a step waits for.

/** The step running now (for the failure message). */
export const current = { step: '' };

/** Runs fn as the step called name and logs it with its time. */
export async function step(name, fn) {
  current.step = name;
  const t0 = Date.now();
  await fn();
  console.log(`ok  ${name} (${Date.now() - t0} ms)`);
}

/** Polls fn every 100 ms until it returns a truthy value, for at most timeout ms. */
export async function eventually(fn, what, timeout) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}
