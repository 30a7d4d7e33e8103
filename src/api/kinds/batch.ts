/** batch/v1 kinds. */
import type { ResourceType } from '../types.js';
import { defaultCronJob, defaultJob } from '../defaults/workloads.js';
import { validateCronJob, validateJob } from '../validation/workloads.js';
import { fields, metaAnd } from './helpers.js';

const B = 'io.k8s.api.batch.v1';

export function batchTypes(): ResourceType[] {
  return [
    {
      group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'],
      schemaRef: `${B}.Job`, subresources: { status: true }, selectableFields: fields('status.successful'),
      defaulter: defaultJob, validator: metaAnd({ namespaced: true, rest: validateJob }),
    },
    {
      group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'],
      schemaRef: `${B}.CronJob`, subresources: { status: true },
      defaulter: defaultCronJob, validator: metaAnd({ namespaced: true, rest: validateCronJob }),
    },
  ];
}
