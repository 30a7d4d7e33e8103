/**
 * Jobs and CronJobs through the real kubectl (newest and 1.27) on a cluster with
 * simulated nodes: the scheduler binds the pods, the nodes run them to completion after a
 * few seconds, the job controller counts them. `kubectl wait --for=condition=complete`
 * sees a Job with completions 3 and parallelism 2 finish, `kubectl get jobs` shows 3/3,
 * a CronJob scheduled every minute starts a Job within a minute (real time), and
 * `kubectl create job --from=cronjob/…` instantiates one by hand.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const jobManifest = (name: string) => `
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: ["sh", "-c", "echo done"]
`;

describe('Jobs and CronJobs with kubectl', () => {
  const env = useTestCluster({ simulatedNodes: 3 });
  const kubectl = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, { ...options, timeoutMs: 100_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };

  it('creates a CronJob scheduled every minute (checked at the end, after its first time)', async () => {
    assert.match(await kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--', 'echo', 'tick']), /cronjob.batch\/tick created/);
    const get = await kubectl(['get', 'cronjob', 'tick']);
    assert.match(get, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    assert.match(get, /\ntick\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\S+\n/);
  });

  for (const version of [undefined, '1.27']) {
    const name = version ? 'three-old' : 'three';
    it(`runs completions 3 with parallelism 2 to Complete (kubectl ${version ?? 'newest'})`, async () => {
      assert.match(await kubectl(['create', '-f', '-'], { version, input: jobManifest(name) }), new RegExp(`job.batch/${name} created`));
      assert.match(await kubectl(['wait', '--for=condition=complete', `job/${name}`, '--timeout=90s'], { version }), new RegExp(`job.batch/${name} condition met`));
      const get = await kubectl(['get', 'jobs', name], { version });
      assert.match(get, /COMPLETIONS/);
      assert.match(get, new RegExp(`\\n${name}\\s+(Complete\\s+)?3/3\\s+\\S+\\s+\\S+\\n`));
      const pods = await kubectl(['get', 'pods', '-l', `job-name=${name}`, '-o', 'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName} {.metadata.finalizers}{"\\n"}{end}'], { version });
      const lines = pods.trim().split('\n');
      assert.equal(lines.length, 3, pods);
      assert.ok(lines.every((l) => /^Succeeded \S+\s*$/.test(l)), `every pod ran on a node and lost its tracking finalizer:\n${pods}`);
      const describe = await kubectl(['describe', 'job', name], { version });
      assert.match(describe, /Pods Statuses:\s+0 Active \([^)]*\) \/ 3 Succeeded \/ 0 Failed/);
      // Events are written after the status; watch for the last one.
      const events = env.cluster.kubectlBackground(['get', 'events', '--watch', '--field-selector', `involvedObject.name=${name}`], { version });
      try {
        await events.waitFor(new RegExp(`Normal\\s+Completed\\s+job/${name}\\s+Job completed`), { timeoutMs: 30_000 });
        assert.equal((events.stdout().match(/SuccessfulCreate/g) ?? []).length, 3, events.stdout());
      } finally {
        await events.stop();
      }
    });
  }

  for (const version of [undefined, '1.27']) {
    const name = version ? 'by-hand-old' : 'by-hand';
    it(`kubectl create job --from=cronjob/tick instantiates the CronJob's template (kubectl ${version ?? 'newest'})`, async () => {
      assert.match(await kubectl(['create', 'job', name, '--from=cronjob/tick'], { version }), new RegExp(`job.batch/${name} created`));
      const job = JSON.parse(await kubectl(['get', 'job', name, '-o', 'json'], { version }));
      assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
      assert.equal(job.metadata.ownerReferences[0].kind, 'CronJob');
      assert.equal(job.spec.template.spec.containers[0].command.join(' '), 'echo tick');
      assert.match(await kubectl(['wait', '--for=condition=complete', `job/${name}`, '--timeout=90s'], { version }), /condition met/);
    });
  }

  it('the CronJob starts a Job at its next minute and records it', async () => {
    const watch = env.cluster.kubectlBackground(['get', 'jobs', '--watch', '-o', 'name']);
    try {
      const seen = await watch.waitFor(/job.batch\/tick-\d+/, { timeoutMs: 90_000 });
      const jobName = /job.batch\/(tick-\d+)/.exec(seen)![1]!;
      const job = JSON.parse(await kubectl(['get', 'job', jobName, '-o', 'json']));
      const scheduled = job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'];
      assert.equal(Date.parse(scheduled) / 60_000, Number(jobName.slice('tick-'.length)), 'named after its schedule minute');
      assert.match(await kubectl(['wait', '--for=condition=complete', `job/${jobName}`, '--timeout=90s']), /condition met/);
      await kubectl(['wait', '--for=jsonpath={.status.lastSuccessfulTime}', 'cronjob/tick', '--timeout=30s']);
      const cj = JSON.parse(await kubectl(['get', 'cronjob', 'tick', '-o', 'json']));
      assert.ok(Date.parse(cj.status.lastScheduleTime) >= Date.parse(scheduled), `lastScheduleTime ${cj.status.lastScheduleTime}`);
      const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.kind=CronJob,involvedObject.name=tick', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      assert.match(events, new RegExp(`SuccessfulCreate: Created job ${jobName}`));
    } finally {
      await watch.stop();
    }
  });
});
