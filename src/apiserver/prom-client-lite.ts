/**
 * The four prom-client classes the API server uses, imported file by file: the package's
 * index also loads its default process collectors, push gateway, cluster aggregation and
 * OpenTelemetry (about 150 KB of code parsed on every start, for nothing we use).
 */
import Registry from 'prom-client/lib/registry.js';
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import Histogram from 'prom-client/lib/histogram.js';

export { Registry, Counter, Gauge, Histogram };
