/**
 * etcd Store throughput: etcd's own rate for plain puts next to creates through the
 * Store (a compare-and-put transaction each), both with 50 requests in flight against
 * a private etcd on loopback.
 *
 *   node --import tsx bench/store-etcd.ts [--seconds 3] [--concurrency 50]
 */
import { pathToFileURL } from 'node:url';
import { GrpcChannel } from '../src/store/etcd/grpc.js';
import { encodePutRequest } from '../src/store/etcd/messages.js';
import { closedLoop } from './api/stats.js';
import { openEtcdStore } from '../src/store/etcd/index.js';
import { etcdAvailable, startEtcd } from '../src/store/etcd/testing.js';

export interface StoreEtcdBenchOptions {
  seconds?: number;
  concurrency?: number;
}

export interface StoreEtcdBenchResult {
  putsPerSecond: number;
  createsPerSecond: number;
}


export async function runStoreEtcdBench(options: StoreEtcdBenchOptions = {}): Promise<StoreEtcdBenchResult> {
  const seconds = options.seconds ?? 3;
  const concurrency = options.concurrency ?? 50;
  const etcd = await startEtcd();
  try {
    const value = Buffer.from(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'bench' }, data: { k: 'v'.repeat(200) } }));
    const raw = new GrpcChannel({ endpoints: [etcd.endpoint.replace(/^https?:\/\//, '')] });
    const put = (key: string) => raw.unary('/etcdserverpb.KV/Put', encodePutRequest(Buffer.from(key), value));
    let putsPerSecond: number;
    try {
      // Warm up first: a fresh member's first writes grow its WAL and bolt files.
      await closedLoop(0.5, concurrency, (i) => put(`/bench/warm/${i}`));
      putsPerSecond = await closedLoop(seconds, concurrency, (i) => put(`/bench/put/${i}`));
    } finally {
      raw.close();
    }
    const store = await openEtcdStore({ endpoints: [etcd.endpoint], prefix: '/bench/store/' });
    let createsPerSecond: number;
    try {
      const text = value.toString('utf8');
      createsPerSecond = await closedLoop(seconds, concurrency, (i) => store.create(`/configmaps/default/cm-${i}`, text));
    } finally {
      await store.close();
    }
    return { putsPerSecond, createsPerSecond };
  } finally {
    await etcd.stop();
  }
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!etcdAvailable()) {
    console.error('etcd binary not found (/usr/bin/etcd or $SKIFF_ETCD_BINARY); cannot run the etcd benchmark');
    process.exit(1);
  }
  const concurrency = flag('concurrency', 50);
  const result = await runStoreEtcdBench({ seconds: flag('seconds', 3), concurrency });
  console.log(`etcd plain puts:        ${result.putsPerSecond.toFixed(0)}/s (${concurrency} concurrent)`);
  console.log(`Store.create via etcd:  ${result.createsPerSecond.toFixed(0)}/s (${concurrency} concurrent)`);
}
