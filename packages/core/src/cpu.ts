import { availableParallelism } from "node:os";
import pLimit from "p-limit";

/** One pool for the whole process, as many steps at once as the machine has cores. */
const pool = pLimit(availableParallelism());

/**
 * Runs a CPU-heavy step (a build command, compression, squashfs, packing a wheel or tarball) in the
 * process's one pool sized to the cores, so that such steps neither oversubscribe the machine nor
 * hold back the network-bound steps of other registries, which run outside it. A step must not wait
 * for another pooled step, or a full pool would wait for itself.
 */
export function cpuBound<T>(step: () => Promise<T>): Promise<T> {
  return pool(step);
}
