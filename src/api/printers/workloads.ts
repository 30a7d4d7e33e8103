/**
 * Printers for apps/v1 and batch/v1 kinds, as upstream's pkg/printers/internalversion
 * lays them out. Replica counts default to 1 when absent, as API defaulting would.
 */
import type { KObject, TablePrinter } from '../types.js';
import { humanDuration, translateTimestampSince } from './duration.js';
import {
  a, ageCol, col, containerCells, containersCol, formatLabelSelector, formatLabels, imagesCol, n, nameCol, o, printBool, s,
  selectorString, spec, status, templateSpec,
} from './util.js';

const age = (obj: KObject, now: Date) => translateTimestampSince(obj.metadata?.creationTimestamp, now);
const name = (obj: KObject) => obj.metadata?.name ?? '';
const replicas = (obj: KObject) => n(spec(obj).replicas, 1);

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageCol(),
    containersCol(),
    imagesCol(),
    col('Selector', 'string', 'Label selector for pods.', 1),
  ],
  row(d, now) {
    const st = status(d);
    const [names, images] = containerCells(templateSpec(d));
    return [name(d), `${n(st.readyReplicas)}/${replicas(d)}`, n(st.updatedReplicas), n(st.availableReplicas), age(d, now), names, images, selectorString(spec(d).selector)];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'Number of desired pods.'),
    col('Current', 'integer', 'Number of most recently observed pods.'),
    col('Ready', 'integer', 'Number of pods targeted by this ReplicaSet with a Ready Condition.'),
    ageCol(),
    containersCol(),
    imagesCol(),
    col('Selector', 'string', 'Label selector for pods.', 1),
  ],
  row(rs, now) {
    const st = status(rs);
    const [names, images] = containerCells(templateSpec(rs));
    return [name(rs), replicas(rs), n(st.replicas), n(st.readyReplicas), age(rs, now), names, images, formatLabelSelector(spec(rs).selector)];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [nameCol(), col('Ready', 'string', 'Number of the pod with ready state'), ageCol(), containersCol(), imagesCol()],
  row(ss, now) {
    const [names, images] = containerCells(templateSpec(ss));
    return [name(ss), `${n(status(ss).readyReplicas)}/${replicas(ss)}`, age(ss, now), names, images];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    col('Current', 'integer', 'The number of nodes running at least one daemon pod that are supposed to.'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of it running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes running the updated daemon pod.'),
    col('Available', 'integer', 'The number of nodes running the daemon pod available for at least minReadySeconds.'),
    col('Node Selector', 'string', 'Selector which must match a node\'s labels for the pod to be scheduled on that node.'),
    ageCol(),
    containersCol(),
    imagesCol(),
    col('Selector', 'string', 'Label selector for pods.', 1),
  ],
  row(ds, now) {
    const st = status(ds);
    const tpl = templateSpec(ds);
    const [names, images] = containerCells(tpl);
    return [
      name(ds),
      n(st.desiredNumberScheduled),
      n(st.currentNumberScheduled),
      n(st.numberReady),
      n(st.updatedNumberScheduled),
      n(st.numberAvailable),
      formatLabels(tpl.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(spec(ds).selector),
    ];
  },
};

export const controllerRevisionPrinter: TablePrinter = {
  columns: [nameCol(), col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), ageCol()],
  row(cr, now) {
    const owner = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = '<none>';
    if (owner) {
      const slash = owner.apiVersion.indexOf('/');
      const group = slash >= 0 ? owner.apiVersion.slice(0, slash) : '';
      const groupKind = group ? `${owner.kind}.${group}` : owner.kind;
      controller = groupKind ? `${groupKind.toLowerCase()}/${owner.name}` : owner.name;
    }
    return [name(cr), controller, n(cr.revision), age(cr, now)];
  },
};

function jobCondition(job: KObject, type: string): boolean {
  const c = a(status(job).conditions).map(o).find((x) => x.type === type);
  return c?.status === 'True';
}

export function jobStatus(job: KObject): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol(),
    containersCol(),
    imagesCol(),
    col('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
  ],
  row(job, now) {
    const sp = spec(job);
    const st = status(job);
    const succeeded = n(st.succeeded);
    let completions: string;
    if (typeof sp.completions === 'number') completions = `${succeeded}/${sp.completions}`;
    else {
      const parallelism = n(sp.parallelism);
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    let duration = '';
    const start = typeof st.startTime === 'string' ? Date.parse(st.startTime) : NaN;
    if (!Number.isNaN(start)) {
      const end = typeof st.completionTime === 'string' ? Date.parse(st.completionTime) : NaN;
      duration = humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
    }
    const [names, images] = containerCells(templateSpec(job));
    return [name(job), jobStatus(job), completions, duration, age(job, now), names, images, formatLabelSelector(sp.selector)];
  },
};

export const cronJobPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Schedule', 'string', 'The schedule in Cron format.'),
    col('Timezone', 'string', 'The time zone name for the given schedule.'),
    col('Suspend', 'boolean', 'Whether to suspend subsequent executions.'),
    col('Active', 'integer', 'Pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'When the job was last successfully scheduled.'),
    ageCol(),
    containersCol(),
    imagesCol(),
    col('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
  ],
  row(cj, now) {
    const sp = spec(cj);
    const st = status(cj);
    const jobSpec = o(o(sp.jobTemplate).spec);
    const [names, images] = containerCells(o(o(jobSpec.template).spec));
    return [
      name(cj),
      s(sp.schedule),
      s(sp.timeZone) || '<none>',
      printBool(sp.suspend),
      a(st.active).length,
      st.lastScheduleTime ? translateTimestampSince(st.lastScheduleTime, now) : '<none>',
      age(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector),
    ];
  },
};
