/**
 * Shared informers (client-go's SharedInformerFactory): every component in a process
 * that watches pods shares one pods informer, one cache and one watch. Components ask
 * for informers while starting; `start()` starts all of them, `synced()` waits for every
 * first list.
 */
import type { KObject } from '../../api/types.js';
import type { Client, ResourceRef } from '../../client/client.js';
import { Informer } from '../../client/informer.js';

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(private readonly client: Client, private readonly onError?: (err: unknown) => void) {}

  /** The process-wide informer of `ref` (all namespaces), created on first use. */
  for<T extends KObject = KObject>(ref: ResourceRef): Informer<T> {
    const key = `${ref.group}/${ref.version}/${ref.plural}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer(this.client.resource(ref), { onError: this.onError });
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves once every informer asked for so far has listed. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
