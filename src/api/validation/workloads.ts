/**
 * apps/v1 and batch/v1 rules (pkg/apis/apps/validation, pkg/apis/batch/validation):
 * replica counts, selectors that must match the template, strategies, schedules.
 */
import type { FieldError, KObject } from '../types.js';
import { child, forbidden, immutable, invalid, nonNegative, notSupported, required } from './field.js';
import { validateLabels } from './meta.js';
import { validatePodSpec } from './pod.js';
import { parseSchedule, ScheduleError } from '../../util/cron/schedule.js';
import { isKnownZone } from '../../util/cron/zone.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

interface Requirement { key: string; operator: string; values?: string[] }

/** Whether a metav1.LabelSelector matches a label set (an empty selector matches all). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = asObj(selector);
  for (const [k, v] of Object.entries(asObj(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const r of (Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) as Requirement[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In': if (!has || !values.includes(labels[r.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[r.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** A selector with neither matchLabels nor matchExpressions. */
export const isEmptySelector = (s: Obj): boolean =>
  Object.keys(asObj(s.matchLabels)).length === 0 && !(Array.isArray(s.matchExpressions) && s.matchExpressions.length);

export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  const sel = asObj(selector);
  const errs = validateLabels(asObj(sel.matchLabels) as Record<string, string>, child(path, 'matchLabels'));
  const exprs = Array.isArray(sel.matchExpressions) ? (sel.matchExpressions as Requirement[]) : [];
  exprs.forEach((r, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const ops = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    if (!ops.includes(r?.operator)) errs.push(notSupported(child(p, 'operator'), r?.operator, ops));
    else if ((r.operator === 'In' || r.operator === 'NotIn') && !(r.values?.length)) errs.push(required(child(p, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && r.values?.length) errs.push(forbidden(child(p, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
  });
  return errs;
}

export interface TemplateRules {
  kind: string;
  /** RestartPolicy values the template may use (workloads: Always; jobs: OnFailure/Never). */
  restartPolicies: string[];
  /** Volumes the pods get besides the template's, which its volumeMounts may name (a StatefulSet's claim templates). */
  mountable?: string[];
}

/** selector required, non-empty, matching the template labels; template pod spec valid. */
export function validateSelectorAndTemplate(spec: Obj, path: string, rules: TemplateRules): FieldError[] {
  const errs: FieldError[] = [];
  const template = asObj(spec.template);
  const labels = asObj(asObj(template.metadata).labels) as Record<string, string>;
  if (spec.selector === undefined || spec.selector === null) {
    errs.push(required(child(path, 'selector'), ''));
  } else {
    errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
    if (isEmptySelector(asObj(spec.selector))) errs.push(invalid(child(path, 'selector'), spec.selector, `empty selector is invalid for ${rules.kind}`));
  }
  const tp = child(path, 'template');
  errs.push(...validateLabels(labels, `${tp}.metadata.labels`));
  if (spec.selector && !isEmptySelector(asObj(spec.selector)) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid(`${tp}.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodSpec(template.spec, `${tp}.spec`, rules.mountable));
  const rp = asObj(template.spec).restartPolicy;
  if (rp !== undefined && !rules.restartPolicies.includes(String(rp))) errs.push(notSupported(`${tp}.spec.restartPolicy`, rp, rules.restartPolicies));
  return errs;
}

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent (apps validation, also used by PodDisruptionBudgets). */
export const validIntOrPercent = (v: unknown, path: string): FieldError[] => {
  if (typeof v === 'number') return nonNegative(path, v);
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) return [invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    if (parseInt(v, 10) > 100) return [invalid(path, v, 'must not be greater than 100%')];
  }
  return [];
};

export function validateDeployment(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs = [...nonNegative('spec.replicas', spec.replicas)];
  errs.push(...validateSelectorAndTemplate(spec, 'spec', { kind: 'deployment', restartPolicies: ['Always'] }));
  const strategy = asObj(spec.strategy);
  const types = ['Recreate', 'RollingUpdate'];
  if (strategy.type !== undefined && !types.includes(String(strategy.type))) errs.push(notSupported('spec.strategy.type', strategy.type, types));
  if (strategy.type === 'Recreate' && strategy.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\''));
  const ru = asObj(strategy.rollingUpdate);
  errs.push(...validIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
  errs.push(...validIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
  if ((ru.maxUnavailable === 0 || ru.maxUnavailable === '0%') && (ru.maxSurge === 0 || ru.maxSurge === '0%')) {
    errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  for (const f of ['minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  if (typeof spec.progressDeadlineSeconds === 'number' && typeof spec.minReadySeconds === 'number' && spec.progressDeadlineSeconds <= spec.minReadySeconds) {
    errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  if (old) errs.push(...immutable('spec.selector', spec.selector, asObj(old.spec).selector));
  return errs;
}

export function validateReplicaSet(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
  errs.push(...validateSelectorAndTemplate(spec, 'spec', { kind: 'replicaset', restartPolicies: ['Always'] }));
  if (old) errs.push(...immutable('spec.selector', spec.selector, asObj(old.spec).selector));
  return errs;
}

export function validateStatefulSet(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
  // Pods mount their claims by the templates' names (upstream does not check the template's pod spec at all here).
  const claimNames = (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).map((t) => String(asObj(asObj(t).metadata).name ?? ''));
  errs.push(...validateSelectorAndTemplate(spec, 'spec', { kind: 'statefulset', restartPolicies: ['Always'], mountable: claimNames }));
  const policies = ['OrderedReady', 'Parallel'];
  if (spec.podManagementPolicy !== undefined && !policies.includes(String(spec.podManagementPolicy))) errs.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy, policies));
  const us = asObj(spec.updateStrategy);
  const types = ['RollingUpdate', 'OnDelete'];
  if (us.type !== undefined && !types.includes(String(us.type))) errs.push(notSupported('spec.updateStrategy.type', us.type, types));
  errs.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', asObj(us.rollingUpdate).partition));
  if (old) {
    const o = asObj(old.spec);
    const strip = (s: Obj) => JSON.stringify({ ...s, replicas: 0, template: 0, updateStrategy: 0, persistentVolumeClaimRetentionPolicy: 0, minReadySeconds: 0, ordinals: 0, revisionHistoryLimit: 0 });
    if (strip(spec) !== strip(o)) {
      errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return errs;
}

export function validateDaemonSet(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs = validateSelectorAndTemplate(spec, 'spec', { kind: 'daemonset', restartPolicies: ['Always'] });
  const us = asObj(spec.updateStrategy);
  const types = ['RollingUpdate', 'OnDelete'];
  if (us.type !== undefined && !types.includes(String(us.type))) errs.push(notSupported('spec.updateStrategy.type', us.type, types));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds), ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (old) errs.push(...immutable('spec.selector', spec.selector, asObj(old.spec).selector));
  return errs;
}

export function validateJob(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0) errs.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than 0'));
  const modes = ['NonIndexed', 'Indexed'];
  if (spec.completionMode !== undefined && !modes.includes(String(spec.completionMode))) errs.push(notSupported('spec.completionMode', spec.completionMode, modes));
  if (spec.completionMode === 'Indexed' && spec.completions == null) errs.push(required('spec.completions', 'when completion mode is Indexed'));
  // The job controller generates the selector; a user selector needs manualSelector.
  const templateSpec = asObj(asObj(spec.template).spec);
  errs.push(...validatePodSpec(templateSpec, 'spec.template.spec'));
  const rp = templateSpec.restartPolicy;
  if (rp === undefined) errs.push(required('spec.template.spec.restartPolicy', ''));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['OnFailure', 'Never']));
  if (spec.selector && !selectorMatches(spec.selector, asObj(asObj(asObj(spec.template).metadata).labels) as Record<string, string>)) {
    errs.push(invalid('spec.template.metadata.labels', asObj(asObj(spec.template).metadata).labels ?? {}, '`selector` does not match template `labels`'));
  }
  if (old) {
    const o = asObj(old.spec);
    errs.push(...immutable('spec.completions', spec.completions, o.completions));
    errs.push(...immutable('spec.selector', spec.selector, o.selector));
    errs.push(...immutable('spec.completionMode', spec.completionMode, o.completionMode));
  }
  return errs;
}

/**
 * validateScheduleFormat and validateTimeZone: the schedule must parse as robfig/cron's
 * ParseStandard parses it (its message is the detail); a `TZ=`/`CRON_TZ=` prefix is
 * refused on new CronJobs (kept on updates of one that had it, unless timeZone is set);
 * timeZone must name a zone of the IANA database.
 */
function validateScheduleAndZone(spec: Obj, old: KObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = String(spec.schedule);
  const timeZone = spec.timeZone;
  try {
    parseSchedule(schedule);
  } catch (err) {
    errs.push(invalid('spec.schedule', schedule, err instanceof ScheduleError ? err.message : String(err)));
  }
  const allowTZInSchedule = old !== undefined && String(asObj(old.spec).schedule ?? '').includes('TZ');
  if (allowTZInSchedule && schedule.includes('TZ') && timeZone != null) errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZInSchedule && schedule.includes('TZ')) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  if (timeZone == null) return errs;
  const zone = String(timeZone);
  if (zone === '') errs.push(invalid('spec.timeZone', zone, 'timeZone must be nil or non-empty string'));
  else if (zone.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part))) errs.push(invalid('spec.timeZone', zone, `unknown time zone ${zone}`));
  else if (zone.toLowerCase() === 'local') errs.push(invalid('spec.timeZone', zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isKnownZone(zone)) errs.push(invalid('spec.timeZone', zone, `unknown time zone ${zone}`));
  return errs;
}

export function validateCronJob(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs: FieldError[] = [];
  const name = obj.metadata?.name ?? '';
  // Job names get an 11-character suffix and must stay within 63 characters.
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  if (!spec.schedule) errs.push(required('spec.schedule', ''));
  else errs.push(...validateScheduleAndZone(spec, old));
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (spec.concurrencyPolicy !== undefined && !policies.includes(String(spec.concurrencyPolicy))) errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  const jt = asObj(asObj(spec.jobTemplate).spec);
  const templateSpec = asObj(asObj(jt.template).spec);
  errs.push(...validatePodSpec(templateSpec, 'spec.jobTemplate.spec.template.spec'));
  const rp = templateSpec.restartPolicy;
  if (rp !== undefined && rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported('spec.jobTemplate.spec.template.spec.restartPolicy', rp, ['OnFailure', 'Never']));
  return errs;
}
