// Photos taken offline: shrunk, hashed (SHA-256 of exactly the bytes that will
// be uploaded), and written to IndexedDB in the same transaction as the answer
// or action that uses them.
import { session } from '../lib/api.js';

/** Longest side 1600 px, JPEG: what the server needs, and a tenth of a phone photo. */
export async function shrinkPhoto(file, maxSide = 1600) {
  if (!file.type.startsWith('image/')) return file;
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => null);
  if (!bitmap) return file;
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 1_500_000) return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
  return blob ?? file;
}

export class StorageFullError extends Error {}

/** Refuses early when the phone has clearly no room for the photo (the transaction would abort anyway). */
async function checkRoom(size) {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (estimate?.quota && estimate.quota - (estimate.usage ?? 0) < size * 2 + 1_000_000) throw new StorageFullError('storage full');
}

async function sha256(blob) {
  const bytes = await blob.arrayBuffer();
  if (!crypto.subtle) return `local-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A photo ready to be written: `{ sha256, blob, type, size, name, userId, createdAt }`. */
export async function preparePhoto(file) {
  const blob = await shrinkPhoto(file);
  await checkRoom(blob.size);
  const hash = await sha256(blob);
  const type = blob.type || file.type || 'application/octet-stream';
  const ext = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }[type] ?? 'bin';
  return {
    sha256: hash,
    blob,
    type,
    size: blob.size,
    name: `${file.name.replace(/\.\w+$/, '') || 'photo'}.${ext}`,
    userId: session.user.id,
    createdAt: new Date().toISOString(),
  };
}
