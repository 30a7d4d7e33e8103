/**
 * The cluster's credentials under `<dataDir>/tls/`: generated on first start, reused
 * afterwards. Only what is missing, unusable or out of date is (re)issued, so client
 * certificates handed out earlier keep working across restarts.
 */
import { createPrivateKey, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { hostname as machineHostname } from 'node:os';
import { join } from 'node:path';
import { formatTokenRecord, parseTokenFile } from '../apiserver/auth/token-file.js';
import { generateKeyPair, inspectCertificate, issueCertificate, privateKeyToPem, type ExtKeyUsage, type Subject } from './certificate.js';
import { CredentialsError, ensurePrivateDir, readOptional, restrictMode, writePrivateFile } from './files.js';
import { canonicalIp, ipFamily, isUnspecifiedIp } from './ip.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates closer than this to expiry are renewed at start (k3s uses the same margin). */
const RENEW_BEFORE_DAYS = 90;
/** Tolerates clocks that lag ours, e.g. a joining node (kubeadm backdates 5 minutes too). */
const BACKDATE_MS = 5 * 60 * 1000;

export const ADMIN_USER = 'system:admin';
export const ADMIN_GROUPS = ['system:masters'];

/** In-cluster names of the API server (the `kubernetes` Service in `default`). */
const SERVICE_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

export interface EnsureClusterCredentialsOptions {
  dataDir: string;
  /** Extra DNS names (or IPs, which are sorted into `ips`) for the serving certificate. */
  hostnames?: string[];
  /** Extra IP SANs, e.g. the bind address and the `kubernetes` Service's cluster IP. */
  ips?: string[];
  now?: () => Date;
  /** Defaults to the machine's hostname. */
  hostname?: string;
}

export interface IssuedCertificate {
  cert: string;
  key: string;
}

export interface ClusterCredentials {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  adminToken: string;
  /** Where everything lives; `tokensFile` is in the static token file format. */
  paths: CredentialPaths;
  issueClientCertificate(options: { commonName: string; organizations?: string[]; days?: number }): IssuedCertificate;
  issueServingCertificate(options: { commonName: string; dnsNames?: string[]; ips?: string[]; days?: number }): IssuedCertificate;
}

export interface CredentialPaths {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  tokensFile: string;
}

export function credentialPaths(dataDir: string): CredentialPaths {
  const dir = join(dataDir, 'tls');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    tokensFile: join(dir, 'tokens.csv'),
  };
}

/** The serving certificate's SANs, deduplicated and sorted so a changed set is easy to spot. */
export function servingNames(options: { hostname: string; hostnames?: string[]; ips?: string[] }): { dnsNames: string[]; ips: string[] } {
  const dns = new Set(['localhost', options.hostname.toLowerCase(), ...SERVICE_NAMES]);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const name of options.hostnames ?? []) {
    if (ipFamily(name)) ips.add(name);
    else if (name) dns.add(name.toLowerCase());
  }
  for (const ip of options.ips ?? []) {
    if (!ipFamily(ip)) throw new Error(`"${ip}" is not an IP address`);
    ips.add(ip);
  }
  const canonical = [...ips].filter((ip) => !isUnspecifiedIp(ip)).map(canonicalIp);
  return { dnsNames: [...dns].filter(Boolean).sort(), ips: [...new Set(canonical)].sort() };
}

interface LoadedPair {
  cert: string;
  key: string;
  x509: X509Certificate;
  privateKey: KeyObject;
}

/** The pair on disk if both files parse and belong together; `undefined` if either is missing or unusable. */
async function loadPair(certPath: string, keyPath: string): Promise<LoadedPair | undefined> {
  const [cert, key] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (cert === undefined || key === undefined) return undefined;
  try {
    const x509 = new X509Certificate(cert);
    const privateKey = createPrivateKey(key);
    return x509.checkPrivateKey(privateKey) ? { cert, key, x509, privateKey } : undefined;
  } catch {
    return undefined;
  }
}

export async function ensureClusterCredentials(options: EnsureClusterCredentialsOptions): Promise<ClusterCredentials> {
  const now = options.now ?? (() => new Date());
  // Validate the requested names before touching the disk.
  const names = servingNames({ hostname: options.hostname ?? machineHostname(), hostnames: options.hostnames, ips: options.ips });
  const paths = credentialPaths(options.dataDir);
  await ensurePrivateDir(paths.dir);

  const ca = await ensureCa(paths, now);
  const issue = (o: { subject: Subject; days: number; dnsNames?: string[]; ips?: string[]; usage: ExtKeyUsage }): IssuedCertificate => {
    const keys = generateKeyPair();
    const start = now().getTime();
    const cert = issueCertificate({
      subject: o.subject,
      publicKey: keys.publicKey,
      issuer: { certificatePem: ca.cert },
      signingKey: ca.privateKey,
      notBefore: new Date(start - BACKDATE_MS),
      notAfter: new Date(start + o.days * DAY_MS),
      dnsNames: o.dnsNames,
      ips: o.ips,
      extKeyUsages: [o.usage],
    });
    return { cert, key: privateKeyToPem(keys.privateKey) };
  };
  /** Reusable when signed by the current CA, far enough from expiry, and `fits`. */
  const reusable = (pair: LoadedPair, fits: (cert: string) => boolean): boolean =>
    pair.x509.checkIssued(ca.x509) && pair.x509.verify(ca.x509.publicKey) && inspectCertificate(pair.cert).notAfter.getTime() - now().getTime() > RENEW_BEFORE_DAYS * DAY_MS && fits(pair.cert);

  const sameNames = (cert: string) => {
    const info = inspectCertificate(cert);
    return JSON.stringify([[...info.dnsNames].sort(), [...info.ips].sort()]) === JSON.stringify([names.dnsNames, names.ips]);
  };
  const serverPromise = ensureLeaf(paths.serverCert, paths.serverKey, (pair) => reusable(pair, sameNames), () =>
    issue({ subject: { commonName: 'kube-apiserver' }, days: LEAF_DAYS, ...names, usage: 'serverAuth' }),
  );

  const isAdmin = (cert: string) => {
    const info = inspectCertificate(cert);
    return info.commonName === ADMIN_USER && ADMIN_GROUPS.every((g) => info.organizations.includes(g));
  };
  const adminPromise = ensureLeaf(paths.adminCert, paths.adminKey, (pair) => reusable(pair, isAdmin), () =>
    issue({ subject: { commonName: ADMIN_USER, organizations: ADMIN_GROUPS }, days: LEAF_DAYS, usage: 'clientAuth' }),
  );

  // Independent files: settle them concurrently to keep first start short.
  const [server, admin, adminToken] = await Promise.all([serverPromise, adminPromise, ensureAdminToken(paths.tokensFile)]);

  return {
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    adminToken,
    paths,
    issueClientCertificate: ({ commonName, organizations = [], days = LEAF_DAYS }) =>
      issue({ subject: { commonName, organizations }, days, usage: 'clientAuth' }),
    issueServingCertificate: ({ commonName, dnsNames = [], ips = [], days = LEAF_DAYS }) =>
      issue({ subject: { commonName }, days, dnsNames, ips: ips.map(canonicalIp), usage: 'serverAuth' }),
  };
}

async function ensureCa(paths: CredentialPaths, now: () => Date): Promise<LoadedPair> {
  const existing = await loadPair(paths.caCert, paths.caKey);
  if (existing) {
    await Promise.all([restrictMode(paths.caCert), restrictMode(paths.caKey)]);
    return existing;
  }
  // The key is written before the certificate, so a certificate without a usable key
  // is not a crash leftover: replacing the CA would silently revoke every credential
  // issued from it, so ask a human instead.
  if ((await readOptional(paths.caCert)) !== undefined) {
    throw new CredentialsError(
      `cluster CA ${paths.caCert} exists but its key ${paths.caKey} is missing, unreadable or does not match; restore the key, or remove both files to create a new CA (every issued credential then stops working)`,
      paths.caKey,
    );
  }
  const keys = generateKeyPair();
  const start = now().getTime();
  const cert = issueCertificate({
    subject: { commonName: 'skiff-ca' },
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    notBefore: new Date(start - BACKDATE_MS),
    notAfter: new Date(start + CA_DAYS * DAY_MS),
    isCA: true,
  });
  const key = privateKeyToPem(keys.privateKey);
  await writePrivateFile(paths.caKey, key);
  await writePrivateFile(paths.caCert, cert);
  return { cert, key, x509: new X509Certificate(cert), privateKey: keys.privateKey };
}

async function ensureLeaf(
  certPath: string,
  keyPath: string,
  keep: (pair: LoadedPair) => boolean,
  create: () => IssuedCertificate,
): Promise<IssuedCertificate> {
  const existing = await loadPair(certPath, keyPath);
  if (existing && keep(existing)) {
    await Promise.all([restrictMode(certPath), restrictMode(keyPath)]);
    return { cert: existing.cert, key: existing.key };
  }
  const fresh = create();
  await writePrivateFile(keyPath, fresh.key);
  await writePrivateFile(certPath, fresh.cert);
  return fresh;
}

/** The admin's token from the token file, appending a fresh record (and keeping any others) if there is none. */
async function ensureAdminToken(path: string): Promise<string> {
  const text = await readOptional(path);
  let entries;
  try {
    entries = text === undefined ? [] : parseTokenFile(text, path);
  } catch (err) {
    throw new CredentialsError(`cannot parse ${path}: ${(err as Error).message}`, path, { cause: err });
  }
  const admin = entries.find((e) => e.user.username === ADMIN_USER);
  if (admin) {
    await restrictMode(path);
    return admin.token;
  }
  const token = randomBytes(32).toString('hex');
  const record = formatTokenRecord({ token, user: { username: ADMIN_USER, uid: randomUUID(), groups: ADMIN_GROUPS } });
  const prefix = text === undefined || text === '' || text.endsWith('\n') ? (text ?? '') : `${text}\n`;
  await writePrivateFile(path, prefix + record);
  return token;
}

