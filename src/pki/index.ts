/**
 * Cluster PKI: the CA, the API server's serving certificate, the admin's client
 * certificate and token (see credentials.ts), and kubeconfig files for clients.
 */
export { ensureClusterCredentials, credentialPaths, servingNames, ADMIN_USER, ADMIN_GROUPS } from './credentials.js';
export type { ClusterCredentials, CredentialPaths, EnsureClusterCredentialsOptions, IssuedCertificate } from './credentials.js';
export { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export { inspectCertificate } from './certificate.js';
export type { CertificateInfo } from './certificate.js';
export { CredentialsError } from './files.js';
