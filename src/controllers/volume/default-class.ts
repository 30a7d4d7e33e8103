/**
 * The default StorageClass `local-path`, as k3s deploys it at start-up: created when
 * missing, never overwritten — a class the user changed (another default, other
 * parameters) stays as they left it. Deleting it lasts until the next start, as in k3s.
 */
import type { StorageClass } from '../../api/objects/index.js';
import { defaultLocalPathClass, LOCAL_PATH_CLASS } from '../../api/storage/local-path.js';
import type { Client } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';

export async function ensureDefaultStorageClass(client: Client): Promise<void> {
  const classes = client.resource<StorageClass>(resources.storageclasses);
  try {
    await classes.get(LOCAL_PATH_CLASS);
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await classes.create(defaultLocalPathClass(), { fieldManager: 'skiff-server' });
  } catch (err) {
    // Another server sharing the datastore made it first.
    if (!isAlreadyExists(err)) throw err;
  }
}
