/**
 * The agent's Prometheus metrics, named as the kubelet names them: `/metrics` (the
 * agent's own: running pods and containers, runtime operations, their errors and
 * durations) and `/metrics/resource` (node, pod and container CPU and working set, what
 * metrics-server scrapes), both in the text exposition format.
 */
import { Counter, Gauge, Histogram, Registry } from '../../apiserver/prom-client-lite.js';
import type { ContainerState, Runtime } from '../runtime/types.js';
import type { Summary } from './stats.js';

const STATES: ContainerState[] = ['created', 'running', 'exited', 'unknown'];

/** Runtime calls worth counting (upstream's kubelet_runtime_operations_* operation_type values are the CRI method names). */
const OPERATIONS = [
  'version', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'listPodSandboxes', 'createContainer', 'startContainer',
  'stopContainer', 'removeContainer', 'listContainers', 'containerStatus', 'containerStats', 'listContainerStats', 'execSync',
  'exec', 'attach', 'portForward', 'reopenContainerLog',
] as const;

// Upstream's spelling: RunPodSandbox is run_podsandbox.
const snake = (name: string) => name.replace(/PodSandbox/, 'Podsandbox').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'operation_type'>;
  private readonly errors: Counter<'operation_type'>;
  private readonly durations: Histogram<'operation_type'>;

  constructor(nodeName: string, runtime: Runtime) {
    const registers = [this.registry];
    new Gauge({ name: 'kubelet_node_name', help: "[ALPHA] The node's name. The count is always 1.", labelNames: ['node'], registers }).set({ node: nodeName }, 1);
    new Gauge({
      name: 'kubelet_running_pods', help: '[ALPHA] Number of pods that have a running pod sandbox', registers,
      async collect() {
        this.set((await runtime.listPodSandboxes()).filter((s) => s.state === 'ready').length);
      },
    });
    new Gauge({
      name: 'kubelet_running_containers', help: '[ALPHA] Number of containers currently running', labelNames: ['container_state'], registers,
      async collect() {
        const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
        for (const c of await runtime.listContainers()) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ container_state: state }, n);
      },
    });
    this.operations = new Counter({ name: 'kubelet_runtime_operations_total', help: '[ALPHA] Cumulative number of runtime operations by operation type.', labelNames: ['operation_type'], registers });
    this.errors = new Counter({ name: 'kubelet_runtime_operations_errors_total', help: '[ALPHA] Cumulative number of runtime operation errors by operation type.', labelNames: ['operation_type'], registers });
    this.durations = new Histogram({
      name: 'kubelet_runtime_operations_duration_seconds', help: '[ALPHA] Duration in seconds of runtime operations. Broken down by operation type.',
      labelNames: ['operation_type'], buckets: [0.005, 0.0125, 0.03125, 0.078125, 0.1953125, 0.48828125, 1.220703125, 3.0517578125, 7.62939453125, 19.073486328125], registers,
    });
  }

  /** The runtime with every call counted and timed; what the agent uses. */
  instrument(runtime: Runtime): Runtime {
    const wrapped = Object.create(runtime) as Runtime;
    for (const op of OPERATIONS) {
      const method = (runtime[op] as (...args: unknown[]) => Promise<unknown>).bind(runtime);
      const type = snake(op);
      (wrapped as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        this.operations.inc({ operation_type: type });
        try {
          return await method(...args);
        } catch (err) {
          this.errors.inc({ operation_type: type });
          throw err;
        } finally {
          this.durations.observe({ operation_type: type }, Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
    }
    return wrapped;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function sample(name: string, labels: Record<string, string>, value: number, ms: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
  return `${name}${l ? `{${l}}` : ''} ${value} ${ms}`;
}

function family(name: string, type: 'counter' | 'gauge', help: string, samples: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

/** `/metrics/resource` from a Summary, as the kubelet's resource metrics endpoint shapes it. */
export function resourceMetricsText(summary: Summary): string {
  const at = (iso: string) => Date.parse(iso) || Date.now();
  const node = summary.node;
  const pods = summary.pods;
  const containers = pods.flatMap((p) => p.containers.map((c) => ({ c, labels: { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name } })));
  const podLabels = (p: Summary['pods'][number]) => ({ namespace: p.podRef.namespace, pod: p.podRef.name });
  return [
    ...family('container_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the container in core-seconds',
      containers.map(({ c, labels }) => sample('container_cpu_usage_seconds_total', labels, c.cpu.usageCoreNanoSeconds / 1e9, at(c.cpu.time)))),
    ...family('container_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the container in bytes',
      containers.map(({ c, labels }) => sample('container_memory_working_set_bytes', labels, c.memory.workingSetBytes, at(c.memory.time)))),
    ...family('node_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the node in core-seconds',
      [sample('node_cpu_usage_seconds_total', {}, node.cpu.usageCoreNanoSeconds / 1e9, at(node.cpu.time))]),
    ...family('node_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the node in bytes',
      [sample('node_memory_working_set_bytes', {}, node.memory.workingSetBytes, at(node.memory.time))]),
    ...family('pod_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds',
      pods.map((p) => sample('pod_cpu_usage_seconds_total', podLabels(p), p.cpu.usageCoreNanoSeconds / 1e9, at(p.cpu.time)))),
    ...family('pod_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the pod in bytes',
      pods.map((p) => sample('pod_memory_working_set_bytes', podLabels(p), p.memory.workingSetBytes, at(p.memory.time)))),
    ...family('resource_scrape_error', 'gauge', '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise', ['resource_scrape_error 0']),
    '',
  ].join('\n');
}
