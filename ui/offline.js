// Answers that could not be sent yet, kept in the browser until the network returns.
// The PUT of answers is an idempotent upsert, so resending a batch is harmless.
import { api } from './api.js';

const KEY = 'paicha.pending';
const listeners = new Set();

function load() {
  return JSON.parse(localStorage.getItem(KEY) ?? '{}');
}

function store(all) {
  localStorage.setItem(KEY, JSON.stringify(all));
  for (const fn of listeners) fn(count());
}

/** How many answers wait to be saved. */
export function count() {
  return Object.values(load()).reduce((n, answers) => n + Object.keys(answers).length, 0);
}

export function pendingFor(inspectionId) {
  return load()[inspectionId] ?? {};
}

export function onChange(fn) {
  listeners.add(fn);
  fn(count());
}

/** Keeps an answer (replacing an older one for the same item) and tries to send. */
export function queue(inspectionId, answer) {
  const all = load();
  all[inspectionId] = { ...(all[inspectionId] ?? {}), [answer.itemCode]: answer };
  store(all);
  schedule();
}

let timer;
let sending = false;

function schedule(delay = 600) {
  clearTimeout(timer);
  timer = setTimeout(flush, delay);
}

/** Sends every waiting batch; what fails stays for the next try. */
export async function flush() {
  if (sending) return schedule(300);
  sending = true;
  try {
    for (const [inspectionId, answers] of Object.entries(load())) {
      const batch = Object.values(answers);
      if (batch.length === 0) continue;
      try {
        await api('PUT', `/inspections/${inspectionId}/answers`, { answers: batch });
        const all = load();
        // drop only what was sent unchanged; a newer answer for the same item stays queued
        for (const a of batch) if (JSON.stringify(all[inspectionId]?.[a.itemCode]) === JSON.stringify(a)) delete all[inspectionId][a.itemCode];
        if (all[inspectionId] && Object.keys(all[inspectionId]).length === 0) delete all[inspectionId];
        store(all);
      } catch (error) {
        if (error.status && error.status < 500 && error.status !== 408 && error.status !== 429) {
          // the server refused the batch (e.g. submitted elsewhere): keep it visible, do not loop
          console.warn('answers refused', error);
          continue;
        }
        schedule(5_000);
      }
    }
  } finally {
    sending = false;
  }
}

addEventListener('online', () => schedule(0));
setInterval(() => count() > 0 && navigator.onLine !== false && flush(), 10_000);
