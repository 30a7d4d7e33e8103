/** ControllerRevision history shared by the StatefulSet and DaemonSet controllers. */
export { RevisionHistory, type OwnerKind, type RevisionOwner } from './history.js';
export {
  POD_REVISION_LABEL, REVISION_HASH_LABEL, canonicalJson, nextRevisionNumber, revisionHash, revisionName,
  safeEncode, sameData, sortByRevision, templateOf, templatePatch,
} from './revisions.js';
