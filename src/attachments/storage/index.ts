import type { StorageTarget } from '../../config/storage-url.js';
import { LocalObjectStore } from './local-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

export { ContentStore, type ReceivedFile, type StoredFile } from './content-store.js';
export { LocalObjectStore } from './local-store.js';
export { keyOfSha256, type ObjectStore, StorageError } from './object-store.js';
export { S3ObjectStore } from './s3-store.js';

/** The store STORAGE_URL / STORAGE_DIR name. */
export function createObjectStore(target: StorageTarget): ObjectStore {
  return target.kind === 's3' ? new S3ObjectStore(target) : new LocalObjectStore(target.dir);
}
