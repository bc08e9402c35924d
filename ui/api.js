// The public REST API, with the token of the signed-in user.
const TOKEN = 'paicha.token';
const USER = 'paicha.user';

export const session = {
  get token() {
    return localStorage.getItem(TOKEN);
  },
  get user() {
    const raw = localStorage.getItem(USER);
    return raw ? JSON.parse(raw) : null;
  },
  save(token, user) {
    localStorage.setItem(TOKEN, token);
    localStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(USER);
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

/** JSON request; throws ApiError with the problem details, or TypeError when the network is down. */
export async function api(method, path, body, { headers = {} } = {}) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
      ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
  });
  if (res.status === 401 && path !== '/auth/login') {
    session.clear();
    location.hash = '#/login';
  }
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.blob();
  if (!res.ok) throw new ApiError(res.status, type.includes('json') ? data : undefined);
  return data;
}

/** An attachment or a report as an object URL (images and files need the token too). */
export async function fileUrl(path) {
  const blob = await api('GET', path);
  return URL.createObjectURL(blob);
}

/** Shrinks a phone photo in the browser (longest side 1600 px, JPEG) before it is uploaded. */
export async function shrinkPhoto(file, maxSide = 1600) {
  if (!file.type.startsWith('image/')) return file;
  const bitmap = await createImageBitmap(file).catch(() => null);
  if (!bitmap) return file;
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 1_500_000) return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
  return blob ? new File([blob], file.name.replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' }) : file;
}

export async function uploadPhoto(file) {
  const form = new FormData();
  form.append('file', await shrinkPhoto(file));
  return api('POST', '/attachments', form);
}
