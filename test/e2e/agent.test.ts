/**
 * The node agent with the process runtime, through the real kubectl: pods whose
 * containers are real host processes. A pod runs and reports Running 1/1; a command
 * that exits reports its code; restarts count and a crash loop shows CrashLoopBackOff;
 * an init container runs first; environment from a ConfigMap reaches the process;
 * deleting a pod sends SIGTERM and waits for it; a Deployment's killed process is
 * restarted; a Job's pod completes.
 *
 * Processes are ordinary `sh` commands; files they write go to a temporary directory of
 * this test.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-agent-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function podManifest(name: string, script: string, extra = ''): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 5
${extra}
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", ${JSON.stringify(script)}]
`;
}

describe('node agent (process runtime) with kubectl', () => {
  const env = useTestCluster({ agent: true });
  const kubectl = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, { ...options, timeoutMs: 100_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  const jsonpath = (kind: string, name: string, path: string) => kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]);
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('registers the node Ready with the host capacity', async () => {
    await kubectl(['wait', '--for=condition=Ready', 'node/agent', '--timeout=30s']);
    const nodes = await kubectl(['get', 'nodes']);
    assert.match(nodes, /\nagent\s+Ready\s+control-plane\s+\S+\s+v1\.33\.0-skiff\n/);
    assert.match(await jsonpath('node', 'agent', '.status.nodeInfo.containerRuntimeVersion'), /^process:\/\//);
    const describe = await kubectl(['describe', 'node', 'agent']);
    if (process.getuid?.() === 0) assert.match(describe, /ResourceLimitsNotEnforced\s+False\s+.*Cgroups\s+memory and cpu limits are enforced with cgroup v[12]/);
    else assert.match(describe, /ResourceLimitsNotEnforced\s+True\s+.*NoCgroups\s+containers run as host processes without cgroups/);
  });

  it('runs a pod: Running 1/1, the process really runs', async () => {
    const marker = join(scratch, 'hello');
    await kubectl(['create', '-f', '-'], { input: podManifest('hello', `echo hello > ${marker}; sleep 3600`) });
    await kubectl(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=30s']);
    assert.match(await kubectl(['get', 'pod', 'hello']), /\nhello\s+1\/1\s+Running\s+0\s+/);
    assert.equal(readFileSync(marker, 'utf8'), 'hello\n');
    assert.match(await jsonpath('pod', 'hello', '.status.containerStatuses[0].containerID'), /^process:\/\//);
  });

  it('reports the exit code of a command that fails (restartPolicy Never → Failed, Error)', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('fails', 'exit 3', '  restartPolicy: Never') });
    await until('phase Failed', async () => (await jsonpath('pod', 'fails', '.status.phase')) === 'Failed');
    assert.equal(await jsonpath('pod', 'fails', '.status.containerStatuses[0].state.terminated.exitCode'), '3');
    assert.match(await kubectl(['get', 'pod', 'fails']), /\nfails\s+0\/1\s+Error\s+0\s+/);
  });

  it('restarts a crashing container and shows CrashLoopBackOff with its back-off', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('crashes', 'exit 1') });
    await until('CrashLoopBackOff', async () => (await jsonpath('pod', 'crashes', '.status.containerStatuses[0].state.waiting.reason')) === 'CrashLoopBackOff');
    assert.equal(await jsonpath('pod', 'crashes', '.status.containerStatuses[0].restartCount'), '1');
    assert.match(await jsonpath('pod', 'crashes', '.status.containerStatuses[0].state.waiting.message'), /^back-off 10s restarting failed container=main pod=crashes_default\(/);
    assert.match(await kubectl(['get', 'pod', 'crashes']), /\ncrashes\s+0\/1\s+CrashLoopBackOff\s+1 \(\S+ ago\)\s+/);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=crashes', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /BackOff/);
  });

  it('runs init containers first, and gives the process its environment', async () => {
    const file = join(scratch, 'init');
    await kubectl(['create', 'configmap', 'settings', '--from-literal=color=blue']);
    await kubectl(['create', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: staged
spec:
  initContainers:
  - name: setup
    image: busybox
    command: ["sh", "-c", "echo init > ${file}"]
  containers:
  - name: main
    image: busybox
    env:
    - name: COLOR
      valueFrom: {configMapKeyRef: {name: settings, key: color}}
    - name: POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    command: ["sh", "-c", "echo \\"$(cat ${file}) $COLOR $(POD)\\" > ${file}.out; sleep 3600"]
`,
    });
    await kubectl(['wait', '--for=condition=Ready', 'pod/staged', '--timeout=30s']);
    await until('the output file', async () => existsSync(`${file}.out`));
    assert.equal(readFileSync(`${file}.out`, 'utf8'), 'init blue staged\n');
    assert.equal(await jsonpath('pod', 'staged', '.status.initContainerStatuses[0].state.terminated.reason'), 'Completed');
  });

  it('a readiness probe gates Ready; a failing liveness probe restarts the container', async () => {
    const ready = join(scratch, 'ready');
    const alive = join(scratch, 'alive');
    // Alive from the start: the first liveness probe may run before the container's first instruction.
    execFileSync('touch', [alive]);
    await kubectl(['create', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: probed
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "while :; do sleep 0.2; done"]
    readinessProbe:
      exec: {command: ["test", "-f", "${ready}"]}
      periodSeconds: 1
    livenessProbe:
      exec: {command: ["test", "-f", "${alive}"]}
      periodSeconds: 1
      failureThreshold: 1
`,
    });
    await until('Running', async () => (await jsonpath('pod', 'probed', '.status.phase')) === 'Running');
    assert.match(await kubectl(['get', 'pod', 'probed']), /\nprobed\s+0\/1\s+Running\s+0\s+/);
    execFileSync('touch', [ready]);
    await kubectl(['wait', '--for=condition=Ready', 'pod/probed', '--timeout=30s']);
    rmSync(alive);
    await until('a restart', async () => (await jsonpath('pod', 'probed', '.status.containerStatuses[0].restartCount')) === '1');
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /Unhealthy: Liveness probe failed/);
    assert.match(events, /Killing: Container main failed liveness probe, will be restarted/);
  });

  it('deleting a pod sends SIGTERM and waits for the process to finish', async () => {
    const file = join(scratch, 'term');
    await kubectl(['create', '-f', '-'], { input: podManifest('graceful', `trap 'echo got TERM > ${file}; exit 0' TERM; while :; do sleep 0.1; done`) });
    await kubectl(['wait', '--for=condition=Ready', 'pod/graceful', '--timeout=30s']);
    assert.match(await kubectl(['delete', 'pod', 'graceful', '--timeout=30s']), /pod "graceful" deleted/);
    assert.equal(readFileSync(file, 'utf8'), 'got TERM\n');
  });

  it('runs postStart before the pod is Running, and preStop before SIGTERM', async () => {
    const log = join(scratch, 'hooks.log');
    const hooks = `
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "trap 'echo term >> ${log}; exit 0' TERM; echo main >> ${log}; while :; do sleep 0.1; done"]
    lifecycle:
      postStart: {exec: {command: ["sh", "-c", "echo postStart >> ${log}"]}}
      preStop: {exec: {command: ["sh", "-c", "echo preStop >> ${log}"]}}
`;
    await kubectl(['create', '-f', '-'], { input: `apiVersion: v1\nkind: Pod\nmetadata: {name: hooked}\nspec:\n  terminationGracePeriodSeconds: 5\n${hooks}` });
    await kubectl(['wait', '--for=condition=Ready', 'pod/hooked', '--timeout=30s']);
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort(), ['main', 'postStart'], 'postStart ran by the time the pod is Ready');
    await kubectl(['delete', 'pod', 'hooked', '--timeout=30s']);
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(2), ['preStop', 'term']);
  });

  it('a failing postStart hook is reported and the container restarted', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('badhook', 'sleep 3600').replace('    command:', '    lifecycle:\n      postStart: {exec: {command: ["sh", "-c", "echo nope; exit 3"]}}\n    command:') });
    await until('a restart after the failed hook', async () => Number(await jsonpath('pod', 'badhook', '.status.containerStatuses[0].restartCount') || 0) >= 1);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=badhook', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /FailedPostStartHook: Exec lifecycle hook \(\[sh -c echo nope; exit 3\]\) for Container "main" in Pod "badhook_default\([-0-9a-f]+\)" failed - error: command 'sh -c echo nope; exit 3' exited with 3: nope\n, message: "nope\\n"/);
    assert.match(events, /Killing: FailedPostStartHook/);
    await kubectl(['delete', 'pod', 'badhook', '--wait=false']);
  });

  it('enforces limits with cgroups: past its memory limit a container is OOMKilled; execs share its cgroup', { skip: process.getuid?.() === 0 ? false : 'cgroups need root' }, async () => {
    const limits = '    resources: {limits: {memory: 32Mi, cpu: 200m}}\n';
    // tail keeps its last line whole in memory: 200 MB without a newline.
    await kubectl(['create', '-f', '-'], { input: podManifest('hungry', 'head -c 200000000 /dev/zero | tail -n 1 > /dev/null', '  restartPolicy: Never').replace('    command:', `${limits}    command:`) });
    await until('the OOM kill', async () => (await jsonpath('pod', 'hungry', '.status.containerStatuses[0].state.terminated.reason')) === 'OOMKilled');
    assert.match(await kubectl(['get', 'pod', 'hungry']), /\nhungry\s+0\/1\s+OOMKilled\s+0\s/);
    await kubectl(['create', '-f', '-'], { input: podManifest('limited', 'sleep 3600').replace('    command:', `${limits}    command:`) });
    await kubectl(['wait', '--for=condition=Ready', 'pod/limited', '--timeout=30s']);
    assert.match(await kubectl(['exec', 'limited', '--', 'cat', '/proc/self/cgroup']), /\/skiff\/agent\/[0-9a-f]{32}$/m);
    await kubectl(['delete', 'pod', 'hungry', 'limited', '--wait=false']);
  });

  it('restarts a Deployment pod whose process is killed', async () => {
    const marker = `skiff-e2e-${process.pid}-victim`;
    await kubectl(['create', 'deployment', 'keeper', '--image=busybox', '--replicas=3', '--', 'sh', '-c', 'while :; do sleep 0.5; done', marker]);
    await kubectl(['rollout', 'status', 'deployment/keeper', '--timeout=60s']);
    const pids = execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(pids.length, 3, `three processes run: ${pids}`);
    process.kill(Number(pids[0]), 'SIGKILL');
    await until('a restart', async () => (await kubectl(['get', 'pods', '-l', 'app=keeper', '-o', 'jsonpath={.items[*].status.containerStatuses[0].restartCount}'])).split(' ').includes('1'));
    await kubectl(['rollout', 'status', 'deployment/keeper', '--timeout=60s']);
    await until('three processes again', async () => execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').length === 3);
    await kubectl(['delete', 'deployment', 'keeper']);
  });

  it('kubectl logs (newest and 1.27): whole, --tail, --timestamps, -f until the container ends, --previous', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('talker', 'echo hello; echo world >&2; sleep 3600') });
    await kubectl(['wait', '--for=condition=Ready', 'pod/talker', '--timeout=30s']);
    await until('both lines logged', async () => (await kubectl(['logs', 'talker'])).includes('world'));
    for (const version of [undefined, '1.27']) {
      assert.equal(await kubectl(['logs', 'talker'], { version }), 'hello\nworld\n');
      assert.equal(await kubectl(['logs', 'talker', '--tail', '1'], { version }), 'world\n');
      assert.match(await kubectl(['logs', 'talker', '--timestamps'], { version }), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello\n\S+ world\n$/);
      assert.equal(await kubectl(['logs', 'talker', '--limit-bytes', '3'], { version }), 'hel');
    }
    await kubectl(['create', '-f', '-'], { input: podManifest('counter', 'for i in 1 2 3; do echo line $i; sleep 0.3; done', '  restartPolicy: Never') });
    await until('counter started', async () => ['Running', 'Succeeded'].includes(await jsonpath('pod', 'counter', '.status.phase')));
    assert.equal(await kubectl(['logs', '-f', 'counter']), 'line 1\nline 2\nline 3\n');
    await until('a restart of crashes', async () => Number(await jsonpath('pod', 'crashes', '.status.containerStatuses[0].restartCount')) >= 1);
    const previous = await env.cluster.kubectl(['logs', 'crashes', '--previous']);
    assert.equal(previous.code, 0, previous.stderr);
    const noPrevious = await env.cluster.kubectl(['logs', 'talker', '--previous']);
    assert.notEqual(noPrevious.code, 0);
    assert.match(noPrevious.stderr, /previous terminated container "main" in pod "talker" not found/);
  });

  it('kubectl logs -l with --prefix and --all-containers', async () => {
    await kubectl(['create', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: duo
  labels: {team: blue}
spec:
  containers:
  - {name: left, image: busybox, command: ["sh", "-c", "echo from left; sleep 3600"]}
  - {name: right, image: busybox, command: ["sh", "-c", "echo from right; sleep 3600"]}
`,
    });
    await kubectl(['wait', '--for=condition=Ready', 'pod/duo', '--timeout=30s']);
    await until('both containers logged', async () => (await kubectl(['logs', 'duo', '--all-containers'])).split('\n').length >= 3);
    const out = await kubectl(['logs', '-l', 'team=blue', '--all-containers', '--prefix']);
    assert.match(out, /^\[pod\/duo\/left\] from left$/m);
    assert.match(out, /^\[pod\/duo\/right\] from right$/m);
  });

  it('pods/log refuses what upstream refuses: no container named in a pod of several, both since options', async () => {
    await kubectl(['create', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: pair
spec:
  containers:
  - {name: a, image: busybox, command: ["sleep", "3600"]}
  - {name: b, image: busybox, command: ["sleep", "3600"]}
`,
    });
    const noName = await env.cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/pair/log']);
    assert.match(noName.stderr, /a container name must be specified for pod pair, choose one of: \[a b\]/);
    const both = await env.cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/pair/log?container=a&sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z']);
    assert.match(both.stderr, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
    const unknown = await env.cluster.kubectl(['logs', 'pair', '-c', 'nope']);
    assert.match(unknown.stderr, /container nope is not valid for pod pair/);
  });

  it('skiff logs follows every matching pod, and pods that appear later', async () => {
    const talk = (name: string) => podManifest(name, `i=0; while :; do i=$((i+1)); echo "${name} says $i"; sleep 0.2; done`);
    await kubectl(['create', '-f', '-'], { input: talk('chat-a') });
    await kubectl(['create', '-f', '-'], { input: talk('quiet') });
    await kubectl(['wait', '--for=condition=Ready', 'pod/chat-a', 'pod/quiet', '--timeout=30s']);
    const entry = join(import.meta.dirname, '../../src/cli/entry.ts');
    const tail = spawn(process.execPath, ['--import', 'tsx', entry, 'logs', '^chat-', '--json', '--kubeconfig', env.cluster.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    tail.stdout.on('data', (d) => { out += d; });
    try {
      const lines = () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { pod: string; container: string; message: string; timestamp: string });
      await until('chat-a lines', async () => lines().some((l) => l.pod === 'chat-a'));
      await kubectl(['create', '-f', '-'], { input: talk('chat-b') });
      await until('chat-b lines, once it runs', async () => lines().some((l) => l.pod === 'chat-b'));
      assert.ok(lines().every((l) => l.pod !== 'quiet' && l.container === 'main' && /^chat-[ab] says \d+$/.test(l.message) && /Z$/.test(l.timestamp)));
    } finally {
      tail.kill('SIGINT');
    }
  });

  it('runs a pod of RuntimeClass simulated without a process; an unknown class is refused at admission', async () => {
    assert.equal(await jsonpath('node', 'agent', '.status.runtimeHandlers[*].name'), 'process simulated');
    await kubectl(['create', '-f', '-'], { input: 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: sim\nhandler: simulated\nscheduling:\n  nodeSelector: {kubernetes.io/os: linux}\n' });
    const marker = join(scratch, 'never');
    await kubectl(['create', '-f', '-'], { input: podManifest('ghost', `touch ${marker}; sleep 3600`, '  runtimeClassName: sim') });
    await kubectl(['wait', '--for=condition=Ready', 'pod/ghost', '--timeout=30s']);
    assert.equal(existsSync(marker), false, 'a simulated container runs nothing');
    assert.equal(await jsonpath('pod', 'ghost', '.spec.nodeSelector.kubernetes\\.io/os'), 'linux');
    const refused = await env.cluster.kubectl(['create', '-f', '-'], { input: podManifest('lost', 'true', '  runtimeClassName: nope') });
    assert.match(refused.stderr, /pods "lost" is forbidden: pod rejected: RuntimeClass "nope" not found/);
  });

  it('kubectl top pods and nodes (newest and 1.27) read usage from the agent through metrics.k8s.io', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('busy', 'while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.05; done') });
    await kubectl(['wait', '--for=condition=Ready', 'pod/busy', '--timeout=30s']);
    // The agent needs two samples (5 s apart) for a rate.
    await until('pod metrics', async () => (await env.cluster.kubectl(['top', 'pod', 'busy'])).code === 0, 30_000);
    for (const version of [undefined, '1.27']) {
      const pods = await kubectl(['top', 'pod', 'busy'], { version });
      assert.match(pods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nbusy\s+[1-9]\d*m\s+\d+Mi\s*\n$/);
      const nodes = await kubectl(['top', 'node', 'agent'], { version });
      assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)\s*\nagent\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*\n$/);
    }
    const containers = await kubectl(['top', 'pod', 'busy', '--containers']);
    assert.match(containers, /\nbusy\s+main\s+\d+m\s+\d+Mi/);
    await kubectl(['delete', 'pod', 'busy', '--wait=false']);
  });

  it('kubectl exec (WebSocket, newest kubectl): output, exit code, stdin', async () => {
    await kubectl(['create', '-f', '-'], { input: podManifest('shell', 'sleep 3600') });
    await kubectl(['wait', '--for=condition=Ready', 'pod/shell', '--timeout=30s']);
    const ran = await env.cluster.kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(ran.code, 3, ran.stderr);
    assert.equal(ran.stdout, 'out\n');
    assert.match(ran.stderr, /err\n/);
    assert.match(ran.stderr, /command terminated with exit code 3/);
    assert.equal(await kubectl(['exec', '-i', 'shell', '--', 'cat'], { input: 'piped through\n' }), 'piped through\n');
    const env2 = await kubectl(['exec', 'shell', '-c', 'main', '--', 'sh', '-c', 'echo $HOSTNAME']);
    assert.equal(env2, 'shell\n');
    const plain = await env.cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/shell/exec?command=true']);
    assert.match(plain.stderr, /Upgrade request required/);
    // kubectl cp is tar over exec, both ways.
    const from = join(scratch, 'cp-src.txt');
    execFileSync('sh', ['-c', `echo copied > ${from}`]);
    await kubectl(['cp', from, `shell:${join(scratch, 'cp-in-pod.txt')}`]);
    assert.equal(readFileSync(join(scratch, 'cp-in-pod.txt'), 'utf8'), 'copied\n');
    await kubectl(['cp', `shell:${join(scratch, 'cp-in-pod.txt')}`, join(scratch, 'cp-back.txt')]);
    assert.equal(readFileSync(join(scratch, 'cp-back.txt'), 'utf8'), 'copied\n');
    const missing = await env.cluster.kubectl(['exec', 'shell', '--', 'no-such-command']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /executable file not found/);
  });

  it('nodes/proxy reaches the kubelet API: Prometheus metrics, resource metrics, the Summary', async () => {
    const metrics = await kubectl(['get', '--raw', '/api/v1/nodes/agent/proxy/metrics']);
    assert.match(metrics, /^kubelet_node_name\{node="agent"\} 1$/m);
    assert.match(metrics, /^kubelet_running_pods [1-9]\d*$/m);
    assert.match(metrics, /^kubelet_running_containers\{container_state="running"\} [1-9]\d*$/m);
    assert.match(metrics, /^kubelet_runtime_operations_total\{operation_type="start_container"\} [1-9]\d*$/m);
    assert.match(metrics, /^kubelet_runtime_operations_duration_seconds_bucket\{le="\+Inf",operation_type="run_podsandbox"\} [1-9]\d*$/m);
    const resource = await kubectl(['get', '--raw', '/api/v1/nodes/agent/proxy/metrics/resource']);
    assert.match(resource, /^node_cpu_usage_seconds_total \d+(\.\d+)?(e[-+]?\d+)? \d{13}$/m);
    assert.match(resource, /^container_memory_working_set_bytes\{container="main",namespace="default",pod="[-a-z0-9]+"\} [1-9]\d* \d{13}$/m);
    const summary = JSON.parse(await kubectl(['get', '--raw', '/api/v1/nodes/agent/proxy/stats/summary']));
    assert.equal(summary.node.nodeName, 'agent');
    assert.equal(await kubectl(['get', '--raw', '/api/v1/nodes/agent/proxy/healthz']), 'ok');
    const missing = await env.cluster.kubectl(['get', '--raw', '/api/v1/nodes/nowhere/proxy/metrics']);
    assert.match(missing.stderr, /nodes "nowhere" not found/);
  });

  it("runs a Job's pod to Succeeded", async () => {
    await kubectl(['create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'exit 0']);
    assert.match(await kubectl(['wait', '--for=condition=complete', 'job/once', '--timeout=60s']), /condition met/);
    assert.match(await kubectl(['get', 'pods', '-l', 'job-name=once']), /\nonce-\S+\s+0\/1\s+Completed\s+0\s+/);
  });
});
