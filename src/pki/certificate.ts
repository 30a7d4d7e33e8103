/**
 * Issue and inspect X.509 v3 certificates (RFC 5280) with node:crypto keys.
 * The extension set mirrors what client-go's cert utilities and kubeadm produce, so
 * Go's strict verifier (kubectl, client-go) and Node's TLS both accept the result.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import { bytesToIp, ipToBytes } from './ip.js';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KeyUsageBit = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

export interface Subject {
  commonName: string;
  organizations?: string[];
}

export interface IssueCertificateOptions {
  subject: Subject;
  publicKey: KeyObject;
  /** The issuing CA; omitted for a self-signed certificate, which `signingKey` then signs. */
  issuer?: { certificatePem: string };
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  dnsNames?: string[];
  ips?: string[];
  extKeyUsages?: ExtKeyUsage[];
}

export interface CertificateInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  /** Canonical text form (see `canonicalIp`). */
  ips: string[];
  isCA: boolean;
  notBefore: Date;
  notAfter: Date;
  subjectKeyId?: Buffer;
  /** DER of the subject Name, reused byte-for-byte as the issuer of certificates this one signs. */
  subjectDer: Buffer;
}

export function generateKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function encodeName(subject: Subject): Buffer {
  const rdn = (type: string, value: string) => der.set(der.sequence(der.oid(type), der.utf8String(value)));
  // Go orders O before CN when it marshals a pkix.Name; follow it so names read the same.
  return der.sequence(...(subject.organizations ?? []).map((o) => rdn(OID.organization, o)), rdn(OID.commonName, subject.commonName));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = der.children(der.read(publicKey.export({ type: 'spki', format: 'der' })).content);
  return createHash('sha1').update(spki[1]!.content.subarray(1)).digest();
}

function signatureScheme(key: KeyObject): { algorithm: Buffer; hash: string } {
  if (key.asymmetricKeyType === 'rsa') return { algorithm: der.sequence(der.oid(OID.sha256WithRsa), der.tlv(der.Tag.null, Buffer.alloc(0))), hash: 'sha256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { algorithm: der.sequence(der.oid(OID.ecdsaWithSha256)), hash: 'sha256' };
    if (curve === 'secp384r1') return { algorithm: der.sequence(der.oid(OID.ecdsaWithSha384)), hash: 'sha384' };
  }
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** A random positive 128-bit serial whose first byte keeps the DER INTEGER at 16 bytes. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

export function issueCertificate(options: IssueCertificateOptions): string {
  const scheme = signatureScheme(options.signingKey);
  const issuerInfo = options.issuer ? inspectCertificate(options.issuer.certificatePem) : undefined;
  const subjectKeyId = keyIdentifier(options.publicKey);
  const authorityKeyId = issuerInfo ? issuerInfo.subjectKeyId : subjectKeyId;

  const usages: number[] = options.isCA
    ? [KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]
    : [KeyUsageBit.digitalSignature, ...(options.publicKey.asymmetricKeyType === 'rsa' ? [KeyUsageBit.keyEncipherment] : [])];
  const extensions = [
    extension(OID.keyUsage, true, der.namedBits(usages)),
    ...(options.extKeyUsages?.length ? [extension(OID.extKeyUsage, false, der.sequence(...options.extKeyUsages.map((u) => der.oid(OID[u]))))] : []),
    extension(OID.basicConstraints, true, options.isCA ? der.sequence(der.boolean(true)) : der.sequence()),
    extension(OID.subjectKeyIdentifier, false, der.octetString(subjectKeyId)),
    ...(authorityKeyId && !options.isCA ? [extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, authorityKeyId)))] : []),
  ];
  const names = [...(options.dnsNames ?? []).map((d) => der.tlv(0x82, Buffer.from(d, 'ascii'))), ...(options.ips ?? []).map((ip) => der.implicit(7, ipToBytes(ip)))];
  if (names.length) extensions.push(extension(OID.subjectAltName, false, der.sequence(...names)));

  const subjectDer = encodeName(options.subject);
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serialNumber()),
    scheme.algorithm,
    issuerInfo ? issuerInfo.subjectDer : subjectDer,
    der.sequence(der.time(options.notBefore), der.time(options.notAfter)),
    subjectDer,
    options.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(scheme.hash, tbs, options.signingKey);
  const certificate = der.sequence(tbs, scheme.algorithm, der.bitString(signature));
  return toPem(certificate, 'CERTIFICATE');
}

export function toPem(body: Buffer, label: string): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function pemToDer(pem: string, label = 'CERTIFICATE'): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`no ${label} PEM block found`);
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
}

function decodeTime(element: der.Element): Date {
  let text = element.content.toString('ascii');
  if (element.tag === der.Tag.utcTime) text = (Number(text.slice(0, 2)) >= 50 ? '19' : '20') + text;
  return new Date(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}Z`);
}

function decodeName(name: der.Element): Subject {
  const result: Required<Subject> = { commonName: '', organizations: [] };
  for (const rdn of der.children(name.content)) {
    for (const atv of der.children(rdn.content)) {
      const [type, value] = der.children(atv.content);
      const id = der.decodeOid(type!.content);
      const text = value!.content.toString('utf8');
      if (id === OID.commonName) result.commonName = text;
      if (id === OID.organization) result.organizations.push(text);
    }
  }
  return result;
}

/** Reads the fields Skiff decides on; throws on anything that is not a certificate. */
export function inspectCertificate(pem: string): CertificateInfo {
  const certificate = der.read(pemToDer(pem));
  const tbs = der.children(der.children(certificate.content)[0]!.content);
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs; // skip the optional version
  const [, , , validity, subject, , ...optional] = fields;
  const [notBefore, notAfter] = der.children(validity!.content);
  const info: CertificateInfo = {
    ...(decodeName(subject!) as Required<Subject>),
    dnsNames: [],
    ips: [],
    isCA: false,
    notBefore: decodeTime(notBefore!),
    notAfter: decodeTime(notAfter!),
    subjectDer: Buffer.from(subject!.encoded),
  };
  const extensionsField = optional.find((e) => e.tag === 0xa3);
  const extensions = extensionsField ? der.children(der.read(extensionsField.content).content) : [];
  for (const ext of extensions) {
    const parts = der.children(ext.content);
    const id = der.decodeOid(parts[0]!.content);
    const value = der.read(parts[parts.length - 1]!.content);
    if (id === OID.subjectKeyIdentifier) info.subjectKeyId = Buffer.from(value.content);
    if (id === OID.basicConstraints) {
      const first = der.children(value.content)[0];
      info.isCA = first?.tag === der.Tag.boolean && first.content[0] !== 0;
    }
    if (id === OID.subjectAltName) {
      for (const name of der.children(value.content)) {
        if (name.tag === 0x82) info.dnsNames.push(name.content.toString('ascii'));
        if (name.tag === 0x87) info.ips.push(bytesToIp(Buffer.from(name.content)));
      }
    }
  }
  return info;
}
