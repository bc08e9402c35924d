// The checklist: every answer goes to IndexedDB first (已保存到本机), then to the server.
import L from '/labels.js';
import { api, fileUrl, session } from '../lib/api.js';
import { el, render, tag } from '../lib/dom.js';
import { get, isQuotaError } from '../sync/db.js';
import { acceptServerInspection, draftsOf, saveDraft, serverAnswer } from '../sync/drafts.js';
import { scheduleSync } from '../sync/engine.js';
import { opsOf, queueOp } from '../sync/outbox.js';
import { preparePhoto, StorageFullError } from '../sync/photos.js';
import { onStatus, refreshStatus } from '../sync/status.js';
import { noticePanel } from './documents.js';
import { conflictBox, submitState } from './inspection-parts.js';

const objectUrls = [];
addEventListener('hashchange', () => objectUrls.splice(0).forEach((u) => URL.revokeObjectURL(u)));

/** Loads the inspection: fresh from the server when it answers, else as kept on the phone. */
async function load(id) {
  if (navigator.onLine === false) return get('inspections', id);
  try {
    await acceptServerInspection(await api('GET', `/inspections/${id}`, undefined, { timeout: 8_000 }));
  } catch (error) {
    if (error?.status === 404 || error?.status === 403) throw error;
  }
  return get('inspections', id);
}

export async function inspectionScreen(id) {
  const user = session.user;
  let inspection = await load(id);
  if (!inspection?.template) {
    return render(
      el('h1', {}, '无法离线打开'),
      el('p', {}, '此检查尚未下载到本机。请在有网络时打开一次“我的任务”。'),
      el('a', { class: 'button', href: '#/' }, '返回'),
    );
  }
  const items = inspection.template.sections.flatMap((s) => s.items);
  let drafts = await draftsOf(id);
  const submitOp = (await opsOf(id)).find((o) => o.kind === 'submit');
  const open = inspection.status === 'pending' || inspection.status === 'in_progress';
  const editable = open && !(submitOp && submitOp.state === 'pending');
  const current = (code) => drafts.get(code) ?? serverAnswer(inspection, code) ?? {};
  const progress = el('b', { id: 'progress' });
  const unsynced = el('span', { id: 'inspection-unsynced', class: 'muted' });
  const updateProgress = () => {
    progress.textContent = `已答 ${items.filter((i) => current(i.code).result).length}/${items.length}`;
    const n = [...drafts.values()].filter((d) => d.state === 'pending').length;
    unsynced.textContent = n ? `本机未同步 ${n} 项` : '';
  };
  const markers = new Map();

  const marker = (code) => {
    const d = drafts.get(code);
    const node = markers.get(code);
    if (!node) return;
    node.replaceChildren(
      !d
        ? serverAnswer(inspection, code)
          ? tag('synced', '已同步')
          : ''
        : d.state === 'pending'
          ? tag('local', '已保存到本机')
          : d.state === 'conflict'
            ? tag('conflict', '冲突')
            : tag('overdue', `未能上传：${d.error ?? ''}`),
    );
  };

  const itemNode = (item) => {
    const a = current(item.code);
    const box = el('div', { class: 'item', dataset: { item: item.code } });
    const error = el('p', { class: 'error', role: 'alert' });
    const mark = el('span', { class: 'marker', 'aria-live': 'polite' });
    markers.set(item.code, mark);
    const save = async (patch, extra) => {
      error.textContent = '';
      try {
        drafts.set(item.code, await saveDraft(user.id, id, item.code, patch, extra));
      } catch (e) {
        error.textContent =
          isQuotaError(e) || e instanceof StorageFullError ? '手机存储空间不足，未保存。请清理空间或先联网同步。' : `未保存：${e.message}`;
        return false;
      } finally {
        marker(item.code);
        updateProgress();
        refreshStatus();
      }
      scheduleSync();
      return true;
    };
    const buttons = ['pass', 'fail', 'na'].map((result) =>
      el(
        'button',
        {
          type: 'button',
          class: result,
          'aria-pressed': String(a.result === result),
          disabled: !editable,
          dataset: { result },
          onclick: async () => {
            const patch = { result };
            const now = current(item.code);
            if (item.responseType === 'number' && result !== 'na' && (now.value === undefined || now.value === null || now.value === ''))
              patch.value = 0;
            if (item.responseType === 'text' && result !== 'na' && !now.value) patch.value = '—';
            if (await save(patch)) {
              for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.result === result));
              if (valueInput && patch.value !== undefined) valueInput.value = patch.value;
              extra.hidden = false;
            }
          },
        },
        L.results[result],
      ),
    );
    const photos = el('div', { class: 'photos' });
    const showBlob = (blob, n) => {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      photos.append(el('img', { alt: `第${item.code}项 照片${n}`, src: url }));
    };
    (a.attachmentIds ?? []).forEach((attachmentId, i) =>
      fileUrl(`/attachments/${attachmentId}`).then(
        (src) => (objectUrls.push(src), photos.append(el('img', { alt: `第${item.code}项 照片${i + 1}`, src }))),
        () => photos.append(el('span', { class: 'tag' }, '照片（联网后显示）')),
      ),
    );
    Promise.all((a.photoShas ?? []).map((sha) => get('blobs', sha))).then((blobs) =>
      blobs.forEach((b, i) => b && showBlob(b.blob, (a.attachmentIds?.length ?? 0) + i + 1)),
    );
    const valueInput =
      item.responseType === 'number' || item.responseType === 'text'
        ? el('input', {
            type: item.responseType === 'number' ? 'number' : 'text',
            inputmode: item.responseType === 'number' ? 'decimal' : undefined,
            value: a.value ?? '',
            disabled: !editable,
            'aria-label': `第${item.code}项 读数或内容`,
            onchange: (e) =>
              current(item.code).result &&
              save({ value: e.target.value === '' ? undefined : item.responseType === 'number' ? Number(e.target.value) : e.target.value }),
          })
        : null;
    const extra = el(
      'div',
      { hidden: !a.result || undefined },
      valueInput,
      el(
        'textarea',
        {
          placeholder: '说明（可选）',
          disabled: !editable,
          'aria-label': `第${item.code}项 说明`,
          onchange: (e) => current(item.code).result && save({ note: e.target.value }),
        },
        a.note ?? '',
      ),
      editable
        ? el(
            'label',
            { class: 'button file' },
            '拍照 / 上传照片',
            el('input', {
              type: 'file',
              accept: 'image/*',
              capture: 'environment',
              multiple: true,
              dataset: { photo: item.code },
              onchange: async (e) => {
                for (const file of e.target.files) {
                  let blob;
                  try {
                    blob = await preparePhoto(file);
                  } catch (err) {
                    error.textContent = err instanceof StorageFullError ? '手机存储空间不足，照片未保存。' : `照片无法读取：${err.message}`;
                    continue;
                  }
                  if (await save({}, { blob })) showBlob(blob.blob, photos.childElementCount + 1);
                }
                e.target.value = '';
              },
            }),
          )
        : null,
      photos,
    );
    const guide = el(
      'div',
      { class: 'guide', hidden: true },
      item.guidance ? el('p', {}, item.guidance) : null,
      item.basis ? el('p', {}, `依据：${item.basis}`) : null,
    );
    box.append(
      ...[
        el(
          'div',
          { class: 'text' },
          item.severity === 'major' ? el('span', { class: 'star', title: '重大事故隐患判定项' }, '* ') : null,
          `${item.code} ${item.text}`,
          item.requiresPhotoOnFail ? el('span', { class: 'muted' }, '（不合格须拍照）') : null,
        ),
        el(
          'div',
          { class: 'row' },
          item.guidance || item.basis
            ? el(
                'button',
                {
                  type: 'button',
                  class: 'small',
                  'aria-expanded': 'false',
                  onclick: (e) => {
                    guide.hidden = !guide.hidden;
                    e.target.setAttribute('aria-expanded', String(!guide.hidden));
                  },
                },
                '检查要点',
              )
            : null,
          mark,
        ),
        guide,
        conflictBox(id, item, drafts.get(item.code), rerender),
        el('div', { class: 'answers', role: 'group', 'aria-label': `第${item.code}项 结果` }, buttons),
        extra,
        error,
      ].filter(Boolean),
    );
    return box;
  };

  const message = el('div', { class: 'error', role: 'alert' });
  const submit = el(
    'button',
    {
      class: 'primary',
      type: 'button',
      id: 'submit',
      onclick: async () => {
        message.textContent = '';
        const missing = items.filter((i) => !current(i.code).result).map((i) => i.code);
        const photoless = items
          .filter(
            (i) =>
              i.requiresPhotoOnFail &&
              current(i.code).result === 'fail' &&
              !(current(i.code).attachmentIds?.length || current(i.code).photoShas?.length),
          )
          .map((i) => i.code);
        const conflicts = [...drafts.values()].filter((d) => d.state === 'conflict').map((d) => d.itemCode);
        if (missing.length) return void (message.textContent = `还有 ${missing.length} 项未作答：${missing.join('、')}`);
        if (photoless.length) return void (message.textContent = `以下不合格项须拍照：${photoless.join('、')}`);
        if (conflicts.length) return void (message.textContent = `请先处理冲突：${conflicts.join('、')}`);
        try {
          await queueOp(user.id, 'submit', id, {});
        } catch (e) {
          return void (message.textContent = isQuotaError(e) ? '手机存储空间不足，未能保存提交。' : e.message);
        }
        await refreshStatus();
        scheduleSync(0);
        rerender();
      },
    },
    '提交检查表',
  );

  let stop = () => undefined;
  const rerender = () => {
    stop();
    return inspectionScreen(id);
  };

  updateProgress();
  render(
    el('h1', {}, inspection.institutionName ?? '检查表'),
    el(
      'p',
      { class: 'muted' },
      `${inspection.template.name} · ${L.roundKinds[inspection.kind]} · ${L.inspectionStatus[inspection.status]}`,
    ),
    el('div', { class: 'row' }, progress, unsynced, el('a', { href: `#/inspection-report/${id}` }, '打印检查表 PDF')),
    submitState(inspection, submitOp, rerender),
    await noticePanel(inspection),
    ...inspection.template.sections.map((section, i) =>
      el(
        'details',
        { class: 'section', open: i === 0 || undefined },
        el('summary', {}, `${section.code} ${section.title}（${section.items.length} 项）`),
        ...section.items.map(itemNode),
      ),
    ),
    editable ? el('div', { class: 'sticky-actions' }, message, submit) : null,
  );
  for (const item of items) marker(item.code);

  // after each sync: the markers show what the server now has; a finished submit shows itself
  stop = onStatus(async (s) => {
    if (s.syncing || !document.getElementById('progress') || location.hash !== `#/inspection/${id}`) return;
    if (document.activeElement?.matches?.('#app input, #app textarea')) return; // never under the user's fingers; the next change comes back here
    [drafts, inspection] = await Promise.all([draftsOf(id), get('inspections', id)]);
    for (const item of items) marker(item.code);
    updateProgress();
    const op = (await opsOf(id)).find((o) => o.kind === 'submit');
    const conflictShown = (d) => document.querySelector(`.item[data-item="${d.itemCode}"] .conflict-box`);
    if ((submitOp && (!op || op.state !== submitOp.state)) || [...drafts.values()].some((d) => d.state === 'conflict' && !conflictShown(d)))
      rerender();
  });
  addEventListener('hashchange', stop, { once: true });
}
