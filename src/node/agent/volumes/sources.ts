/** Where volume contents come from: the API objects a pod's volumes name. */
import type { Pod } from '../../../api/objects/index.js';
import type { KObject } from '../../../api/types.js';
import type { ClaimSources } from './pvc.js';

export interface VolumeSources extends ClaimSources {
  /** undefined when not found; other failures throw. */
  configMap(namespace: string, name: string): Promise<KObject | undefined>;
  secret(namespace: string, name: string): Promise<KObject | undefined>;
  /** A token for the pod's service account (TokenRequest bound to the pod). */
  serviceAccountToken(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}
