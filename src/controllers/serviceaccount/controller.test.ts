/**
 * The default ServiceAccount in every namespace, as `skiff server` runs it: present in
 * the system namespaces, created for a new namespace, recreated when deleted, not
 * created in a terminating namespace. Waits on watch events, not on time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import type { Client, ResourceClient } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { startInProcessCluster, type InProcessCluster } from '../../testing/in-process.js';

describe('serviceaccount controller', () => {
  let env: InProcessCluster;
  let client: Client;
  let accounts: ResourceClient;
  let watcher: Informer;

  /** An intermittent stall (seen only in loaded CI runs) fails with the step's name instead of the file's 5-minute timeout. */
  const within = <T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms); })]).finally(() => clearTimeout(timer));
  };

  before(async () => {
    env = await within('starting the in-process cluster', startInProcessCluster('sa'));
    client = env.client;
    accounts = client.resource({ group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true });
    watcher = new Informer(accounts).start();
    await within('the first list of ServiceAccounts', watcher.waitForSync());
  });
  after(async () => {
    watcher.stop();
    await within('stopping the in-process cluster', env.stop());
  });

  /**
   * Resolves once `matches` holds for an account the informer has or delivers. A handler
   * added to a synced informer is first called with its cache, synchronously, inside
   * addHandler: the handle is only removed once addHandler has returned it.
   */
  const seen = (what: string, matches: (sa: KObject) => boolean, initially: () => boolean = () => false) => new Promise<void>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => reject(new Error(what)), 15_000);
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => handle.remove());
      resolve();
    };
    const handle = watcher.addHandler({ add: (sa) => { if (matches(sa)) finish(); }, update: (_old, sa) => { if (matches(sa)) finish(); }, delete: () => { if (initially()) finish(); } });
    if (initially()) finish();
  });

  /** Resolves once the informer sees a `default` account in `namespace` (or, with `present` false, none). */
  const defaultAccount = (namespace: string, present = true) => {
    const there = () => Boolean(watcher.get('default', namespace)) === present;
    return seen(`default ServiceAccount in ${namespace} never became ${present ? 'present' : 'absent'}`, () => there(), there);
  };

  it('gives every namespace its default ServiceAccount, and puts it back when deleted', async () => {
    await Promise.all(['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((ns) => defaultAccount(ns)));
    const namespaces = client.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false });
    await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await defaultAccount('team-a');
    const first = watcher.get('default', 'team-a')!;
    await accounts.delete('default', 'team-a');
    // The controller may have put it back before this looks: the cache counts as much as new events.
    await seen('the deleted default ServiceAccount in team-a was not put back', (sa) => sa.metadata?.namespace === 'team-a' && sa.metadata.uid !== first.metadata?.uid);
  });

  it('leaves a terminating namespace alone', async () => {
    const namespaces = client.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false });
    await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
    await defaultAccount('going');
    await namespaces.delete('going');
    // The namespace controller empties it (the account included) and then removes it; no new account appears.
    await defaultAccount('going', false);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('namespace "going" was not removed')), 15_000);
      const poll = async () => {
        try {
          await namespaces.get('going');
          setTimeout(() => void poll(), 50);
        } catch {
          clearTimeout(timer);
          resolve();
        }
      };
      void poll();
    });
    assert.equal(watcher.get('default', 'going'), undefined);
  });
});
