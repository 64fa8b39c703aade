/**
 * The default thread count. llama.cpp's CPU threadpool busy-waits at a barrier after every graph
 * op, so running as many threads as cores (or the library default of max(4, cores)) starves the
 * threads it waits for: on a 2-core machine generation drops from ~1,000 tok/s with 1 thread to
 * ~50 with 2 and ~2 with 4 (node-llama-cpp.md section 7). Leave one core for the app itself.
 */
export function defaultThreads(mathCores: number): number {
  return Math.max(1, Math.min(mathCores - 1, 8));
}

export function resolveThreads(requested: number, mathCores: number): number {
  return requested > 0 ? requested : defaultThreads(mathCores);
}
