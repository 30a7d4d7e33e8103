/**
 * The DefaultStorageClass admission plugin (upstream plugin/pkg/admission/storage/
 * storageclass/setdefault): a PersistentVolumeClaim created without a class — neither
 * `spec.storageClassName` (an explicit `""` counts as a choice: no class) nor the beta
 * annotation — gets the default StorageClass, the newest of several. With no default
 * class the claim is left as it is; the PV controller assigns one if a default appears
 * later (retroactive default assignment).
 */
import type { PersistentVolumeClaim, StorageClass } from '../../api/objects/index.js';
import { claimHasClass, defaultStorageClass } from '../../api/storage/volumes.js';
import type { KindCache } from '../registry/kind-cache.js';
import type { AdmissionPlugin } from './types.js';

export function defaultStorageClassAdmission(options: { classes: KindCache }): AdmissionPlugin {
  return {
    async admitCreate(rt, obj) {
      if (rt.group !== '' || rt.kind !== 'PersistentVolumeClaim') return;
      const pvc = obj as PersistentVolumeClaim;
      if (claimHasClass(pvc)) return;
      const chosen = defaultStorageClass((await options.classes.list('')) as StorageClass[]);
      if (!chosen) return;
      pvc.spec = { ...pvc.spec, storageClassName: chosen.metadata.name };
    },
  };
}
