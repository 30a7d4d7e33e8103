/**
 * Prometheus metrics for one API server (its own registry: two servers in one process
 * must not share counters). Names follow kube-apiserver's where one exists.
 */
import { Counter, Gauge, Histogram, Registry } from './prom-client-lite.js';
import type { Store } from '../store/types.js';
import type { RequestScope } from './context.js';

interface RequestLabels {
  verb: string;
  resource: string;
  subresource: string;
}

export class ApiMetrics {
  private readonly labels = new WeakMap<object, RequestLabels>();
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'apiserver_request_total', help: 'API requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'subresource', 'code'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'API request latency by verb and resource (watches excluded).', labelNames: ['verb', 'resource', 'subresource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'skiff_store_operation_duration_seconds', help: 'Store operation latency by operation.', labelNames: ['operation'],
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly watchers = new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watch streams by resource.', labelNames: ['resource'], registers: [this.registry] });

  /** Remembers what a request turned out to be, for the counters written when it ends. */
  labelRequest(scope: RequestScope, verb: string, resource: string, subresource: string): void {
    this.labels.set(scope.res, { verb, resource, subresource });
  }

  observe(scope: RequestScope, fallbackVerb: string, code: number, seconds: number): void {
    const l = this.labels.get(scope.res) ?? { verb: fallbackVerb, resource: '', subresource: '' };
    this.requests.inc({ ...l, code: String(code) });
    if (l.verb !== 'watch') this.latency.observe(l, seconds);
  }

  /** Wraps a Store so every call's latency is recorded. */
  instrument(store: Store): Store {
    const h = this.storeLatency;
    const timed = <A extends unknown[], R>(operation: string, fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      const end = h.startTimer({ operation });
      try { return await fn(...a); } finally { end(); }
    };
    return {
      get: timed('get', store.get.bind(store)),
      range: timed('range', store.range.bind(store)),
      create: timed('create', store.create.bind(store)),
      update: timed('update', store.update.bind(store)),
      delete: timed('delete', store.delete.bind(store)),
      watch: store.watch.bind(store),
      currentRevision: store.currentRevision.bind(store),
      compactedRevision: store.compactedRevision.bind(store),
      compact: timed('compact', store.compact.bind(store)),
      close: store.close.bind(store),
    };
  }
}
