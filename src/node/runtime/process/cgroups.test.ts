/**
 * cgroups on this host, when it lets us (CI runs as root): a memory limit OOM-kills a
 * process that outgrows it and says so; a CPU quota is written as runc writes it. On a
 * host without usable cgroups, openCgroups says why and the rest is skipped.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfsQuotaMicros, cpuShares, enterCgroup, openCgroups, sharesToWeight } from './cgroups.js';

describe('cgroups', () => {
  it('converts CPU millicores as upstream and runc do', () => {
    assert.equal(cpuShares(undefined), 2);
    assert.equal(cpuShares(250), 256);
    assert.equal(cpuShares(1000), 1024);
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(cfsQuotaMicros(500), 50_000);
    assert.equal(cfsQuotaMicros(1), 1000, 'never under the kernel minimum');
  });

  const cgroups = openCgroups(`skiff-test-${process.pid}`);
  const usable = !('unavailable' in cgroups);

  it('a memory limit OOM-kills what outgrows it, and the cgroup says so', { skip: usable ? false : (cgroups as { unavailable: string }).unavailable }, () => {
    if ('unavailable' in cgroups) return;
    const small = cgroups.create('small', { memoryLimitBytes: 32 * 1024 * 1024, cpuLimitMillis: 500, cpuRequestMillis: 250 });
    try {
      // tail keeps its last line whole in memory: 200 MB without a newline.
      const hog = enterCgroup(small.procsFiles, ['sh', '-c', 'head -c 200000000 /dev/zero | tail -n 1 > /dev/null']);
      const run = spawnSync(hog[0]!, hog.slice(1));
      assert.notEqual(run.status, 0, 'the pipeline did not finish');
      assert.equal(small.oomKilled(), true);
      const cpuDir = small.procsFiles.map((f) => join(f, '..')).find((d) => existsSync(join(d, 'cpu.cfs_quota_us')) || existsSync(join(d, 'cpu.max')))!;
      const quota = existsSync(join(cpuDir, 'cpu.max')) ? readFileSync(join(cpuDir, 'cpu.max'), 'utf8').trim() : readFileSync(join(cpuDir, 'cpu.cfs_quota_us'), 'utf8').trim();
      assert.match(quota, /^50000( 100000)?$/);
    } finally {
      small.remove();
    }
    const roomy = cgroups.create('roomy', { memoryLimitBytes: 512 * 1024 * 1024 });
    try {
      const argv = enterCgroup(roomy.procsFiles, ['sh', '-c', 'head -c 20000000 /dev/zero | tail -n 1 > /dev/null; cat /proc/self/cgroup']);
      const run = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /skiff-test-\d+\/roomy/);
      assert.equal(roomy.oomKilled(), false);
    } finally {
      roomy.remove();
      cgroups.close();
    }
  });
});
