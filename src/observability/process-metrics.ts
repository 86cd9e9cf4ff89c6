/**
 * The process's own metrics (CPU, memory, heap, event-loop lag, GC, handles, file descriptors: prom-client's
 * default metrics), in a registry of their own that exists once per process. They describe the process,
 * not an app; their collectors (an event-loop delay monitor, a GC observer) cannot be stopped, so apps
 * built side by side in one process (tests) share them rather than each starting another set. Nothing is
 * put in prom-client's global registry.
 */
import { collectDefaultMetrics, Registry } from 'prom-client'

let registry: Registry | undefined

export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry()
    collectDefaultMetrics({ register: registry })
  }
  return registry
}
