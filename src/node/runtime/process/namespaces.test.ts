/**
 * Pods in namespaces on the process runtime (root only; skipped otherwise): the pod's
 * hostname and PID namespace; mounts at their containerPath, read-only ones so, a path
 * missing on the host made on a private layer the host never sees; subPaths bound from a
 * checked descriptor, a symlink swapped in after the check refused; execs entering the
 * container's mounts; SIGTERM reaching the container's own process. Without namespaces,
 * volumes' host paths in SKIFF_VOLUME_<NAME>.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerConfig, ContainerStatus, Mount } from '../types.js';
import { namespacedLaunch, openNamespaces, PodNamespaces, readStatus, type Namespaces } from './namespaces.js';
import { ProcessRuntime } from './runtime.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'skiff-ns-')));
after(() => rmSync(root, { recursive: true, force: true }));
const vol = join(root, 'vol');
mkdirSync(join(vol, 'sub'), { recursive: true });
writeFileSync(join(vol, 'f'), 'hello\n');
writeFileSync(join(vol, 'sub', 'g'), 'sub\n');
symlinkSync('/', join(vol, 'escape'));

const namespaces = openNamespaces(join(root, 'state'));
const usable = !('unavailable' in namespaces);

function config(name: string, script: string, mounts: Mount[] = [], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name, attempt: 0, image: 'x', command: ['sh', '-c', script], args: [], envs: [], mounts, logPath: `${name}.log`,
    stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {}, ...extra,
  };
}

/** The container's output lines (the CRI log's fourth field on). */
function output(status: ContainerStatus): string {
  return readFileSync(status.logPath, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' ')).join('\n');
}

describe('process runtime with pod namespaces', { skip: usable ? false : `needs root (${'unavailable' in namespaces ? namespaces.unavailable : ''})` }, () => {
  const runtime = new ProcessRuntime({ stateDir: join(root, 'records'), namespaces });
  let sandbox: string;
  const exitedOf = (id: string) => new Promise<ContainerStatus>((resolve) => {
    const check = async () => {
      const s = await runtime.containerStatus(id);
      if (s.state === 'exited') { off(); resolve(s); }
    };
    const off = runtime.onEvent((e) => { if (e.containerId === id && e.type === 'stopped') void check(); });
    void check();
  });
  const run = async (name: string, script: string, mounts: Mount[] = []) => {
    const id = await runtime.createContainer(sandbox, config(name, script, mounts));
    await runtime.startContainer(id);
    return exitedOf(id);
  };

  before(async () => {
    sandbox = await runtime.runPodSandbox({ uid: 'u1', name: 'pod', namespace: 'ns', attempt: 0, hostname: 'my-pod', logDirectory: join(root, 'logs'), labels: {}, annotations: {} });
  });
  after(async () => {
    await runtime.removePodSandbox(sandbox);
    await runtime.close({ killAll: true });
  });

  it('reports the node condition', () => {
    assert.deepEqual(runtime.conditions().find((c) => c.type === 'VolumesNotMounted'), { type: 'VolumesNotMounted', status: 'False', reason: 'PodNamespaces', message: 'each pod has private mount, PID, IPC and UTS namespaces; volumes are mounted at their mountPath' });
  });

  it('gives the pod its own resolv.conf and /etc/hosts (with its address), and leaves the host\'s alone', async () => {
    const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
    await runtime.updateRuntimeConfig({ podCIDR: '127.64.250.0/24' });
    const dnsPod = await runtime.runPodSandbox({
      uid: 'u2', name: 'dns', namespace: 'ns', attempt: 0, hostname: 'dns-pod', logDirectory: join(root, 'logs2'), labels: {}, annotations: {},
      dnsConfig: { servers: ['127.43.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
    });
    try {
      const ip = (await runtime.podSandboxStatus(dnsPod)).network?.ip;
      assert.equal(ip, '127.64.250.2');
      const id = await runtime.createContainer(dnsPod, config('etc', 'cat /etc/resolv.conf; grep dns-pod /etc/hosts'));
      await runtime.startContainer(id);
      const s = await exitedOf(id);
      assert.equal(output(s), `search ns.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.43.0.10\noptions ndots:5\n${ip}\tdns-pod`);
      assert.equal(readFileSync('/etc/resolv.conf', 'utf8'), hostResolv, 'the host\'s file is untouched');
    } finally {
      await runtime.removePodSandbox(dnsPod);
    }
  });

  it('gives the pod its hostname and a PID namespace of its own', async () => {
    const s = await run('ids', 'cat /proc/sys/kernel/hostname; echo "$$"; ls /proc | grep -c "^[0-9]"; env | grep -c "^SKIFF_"');
    const [hostname, pid, processes, setupVariables] = output(s).split('\n');
    assert.equal(hostname, 'my-pod');
    assert.equal(setupVariables, '0', 'the set-up\'s variables are gone from the container\'s environment');
    assert.ok(Number(pid) < 10, `a low pid in the pod's namespace (${pid})`);
    assert.ok(Number(processes) < 10, `only the pod's processes in /proc (${processes})`);
  });

  it('shows one process with the container\'s command line (its wrappers carry none of it)', async () => {
    const marker = `skiff-unit-marker-${process.pid}`;
    const id = await runtime.createContainer(sandbox, config('marked', `sleep 30; : ${marker}`, [{ containerPath: '/data', hostPath: vol, readonly: false, volumeName: 'v' }]));
    await runtime.startContainer(id);
    const matching = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    // The set-up has reported; the exec of the command itself follows at once (its wrappers all exist before it).
    for (let i = 0; i < 100 && !matching().length; i++) await new Promise((r) => setTimeout(r, 10));
    // The shell's own child (sleep) shows its parent's command line until it has executed: not a wrapper.
    const ppid = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1];
    const all = matching();
    const cmdline = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const forkOfParent = (p: string) => {
      try {
        const parent = ppid(p)!;
        return all.includes(parent) && cmdline(parent) === cmdline(p);
      } catch {
        return true; // gone already: transient
      }
    };
    const found = all.filter((p) => !forkOfParent(p));
    await runtime.stopContainer(id, 0);
    assert.equal(found.length, 1, `processes with the command line: ${found.join(', ')}`);
  });

  it('mounts volumes at their paths, read-only ones so; a path missing on the host stays off the host', async () => {
    const target = `/skiff-unit-${process.pid}`;
    const s = await run('mounts', `cat ${target}/f; cat /sub-only/g; touch ${target}/written && echo rw; touch ${target}-ro/x 2>/dev/null || echo ro`, [
      { containerPath: target, hostPath: vol, readonly: false, volumeName: 'v' },
      { containerPath: '/sub-only', hostPath: vol, subPath: 'sub', readonly: false, volumeName: 'v' },
      { containerPath: `${target}-ro`, hostPath: vol, readonly: true, volumeName: 'v' },
    ]);
    assert.equal(s.exitCode, 0, output(s));
    assert.equal(output(s), 'hello\nsub\nrw\nro');
    assert.ok(existsSync(join(vol, 'written')), 'a write lands in the volume');
    for (const p of [target, '/sub-only', `${target}-ro`]) assert.equal(existsSync(p), false, `${p} does not exist on the host`);
  });

  it('sets up mounts whatever PATH the container sets, and gives it that PATH', async () => {
    const id = await runtime.createContainer(sandbox, config('path', 'read line < /data/f; echo "$line $PATH"', [{ containerPath: '/data', hostPath: vol, readonly: false, volumeName: 'v' }], {
      command: ['/bin/sh', '-c', 'read line < /data/f; echo "$line $PATH"'], envs: [{ key: 'PATH', value: '/opt/app/bin' }],
    }));
    const exited = new Promise<ContainerStatus>((resolve) => runtime.onEvent((e) => { if (e.containerId === id && e.type === 'stopped') void runtime.containerStatus(id).then(resolve); }));
    await runtime.startContainer(id);
    assert.equal(output(await exited), 'hello /opt/app/bin');
  });

  it('refuses a subPath whose symlink leads out of the volume (StartError)', async () => {
    const id = await runtime.createContainer(sandbox, config('escape', 'ls /x', [{ containerPath: '/x', hostPath: vol, subPath: 'escape', readonly: false, volumeName: 'v' }]));
    await assert.rejects(runtime.startContainer(id), /subpath "\/" not within volume path/);
    assert.equal((await runtime.containerStatus(id)).reason, 'StartError');
  });

  it('refuses a subPath swapped for a symlink between its check and its mount', async () => {
    const holder = await PodNamespaces.start(namespaces as Namespaces, 'race');
    try {
      const racy = join(root, 'racy');
      mkdirSync(join(racy, 'dir'), { recursive: true });
      const launch = namespacedLaunch(holder, namespaces as Namespaces, [{ containerPath: '/mnt-racy', hostPath: racy, subPath: 'dir', readonly: false }], '/', ['ls', '/mnt-racy'], false);
      // The container's other half plants the symlink after the runtime resolved the subPath.
      renameSync(join(racy, 'dir'), join(racy, 'moved'));
      symlinkSync('/etc', join(racy, 'dir'));
      const child = spawn(launch.argv[0]!, launch.argv.slice(1), { env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      const failure = await readStatus(child.stdio[3] as Readable, 'ls');
      assert.match(failure ?? '', /the subPath does not resolve to .*\/racy\/dir any more/);
    } finally {
      await holder.kill();
    }
  });

  it('runs execs in the container\'s mounts; a missing program says so', async () => {
    const id = await runtime.createContainer(sandbox, config('long', 'trap "echo term; exit 3" TERM; while :; do sleep 0.1; done', [{ containerPath: '/data', hostPath: vol, readonly: false, volumeName: 'v' }]));
    await runtime.startContainer(id);
    const exited = exitedOf(id);
    const r = await runtime.execSync(id, ['cat', '/data/f'], 5);
    assert.equal(r.stdout.toString(), 'hello\n');
    await assert.rejects(runtime.execSync(id, ['no-such-program'], 5), /failed to exec in container: exec: "no-such-program": executable file not found in \$PATH/);
    // SIGTERM reaches the container's own process (not only the nsenter reporting its exit).
    await runtime.stopContainer(id, 10);
    const s = await exited;
    assert.equal(s.exitCode, 3);
    assert.equal(output(s), 'term');
  });

  it('reports a missing program or working directory as a start error, in runc\'s words', async () => {
    const missing = await runtime.createContainer(sandbox, config('missing', '', [], { command: ['/no/such/binary'] }));
    await assert.rejects(runtime.startContainer(missing), /exec: "\/no\/such\/binary": stat \/no\/such\/binary: no such file or directory/);
    const cwd = await runtime.createContainer(sandbox, config('cwd', 'pwd', [], { workingDir: '/no/such/dir' }));
    await assert.rejects(runtime.startContainer(cwd), /chdir to cwd \("\/no\/such\/dir"\) set in config.json failed/);
  });
});

describe('process runtime without namespaces', () => {
  it('gives each volume\'s host path as SKIFF_VOLUME_<NAME> and says so in its condition', async () => {
    const runtime = new ProcessRuntime({ namespaces: { unavailable: 'the agent does not run as root' } });
    try {
      const sandbox = await runtime.runPodSandbox({ uid: 'u2', name: 'plain', namespace: 'ns', attempt: 0, hostname: 'plain', logDirectory: join(root, 'plain-logs'), labels: {}, annotations: {} });
      const id = await runtime.createContainer(sandbox, config('env', 'echo "$SKIFF_VOLUME_MY_DATA"', [{ containerPath: '/data', hostPath: vol, readonly: false, volumeName: 'my-data' }]));
      const stopped = new Promise<void>((resolve) => runtime.onEvent((e) => { if (e.containerId === id && e.type === 'stopped') resolve(); }));
      await runtime.startContainer(id);
      await stopped;
      assert.equal(output(await runtime.containerStatus(id)), vol);
      const condition = runtime.conditions().find((c) => c.type === 'VolumesNotMounted');
      assert.equal(condition?.status, 'True');
      assert.match(condition?.message ?? '', /the agent does not run as root.*\$SKIFF_VOLUME_<NAME>/);
    } finally {
      await runtime.close({ killAll: true });
    }
  });
});
