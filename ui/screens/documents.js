// Official documents (文书): the notices a user may see, downloads as PDF or Word, and issuing a notice from an inspection.
import L from '/labels.js';
import { api, errorText, session } from '../lib/api.js';
import { download, el, render, tag } from '../lib/dom.js';

const STATUS_TAG = { issued: 'open', served: 'closed', revoked: 'overdue' };

function downloads(d) {
  const get = (format) => async () =>
    download(await api('GET', `/documents/${d.id}/file?format=${format}`), `${L.documentKinds[d.kind]}-${d.number}.${format}`);
  return el(
    'div',
    { class: 'row' },
    el('button', { type: 'button', dataset: { download: 'pdf' }, onclick: get('pdf') }, '下载 PDF'),
    el('button', { type: 'button', dataset: { download: 'docx' }, onclick: get('docx') }, '下载 Word'),
  );
}

export function documentCard(d) {
  return el(
    'div',
    { class: 'card', dataset: { document: d.id } },
    el('div', { class: 'row' }, el('b', {}, d.number), tag(STATUS_TAG[d.status], L.documentStatus[d.status])),
    el('div', { class: 'muted' }, `${L.documentKinds[d.kind]} · ${d.institutionName} · ${d.issuerName} · ${d.issuedOn}`),
    downloads(d),
  );
}

/** The documents in the user's scope (a head: their institution's), newest first. */
export async function documentsScreen(params) {
  const query = new URLSearchParams({ pageSize: '50' });
  for (const key of ['institutionId', 'inspectionId', 'kind']) if (params.get(key)) query.set(key, params.get(key));
  const page = await api('GET', `/documents?${query}`);
  render(el('h1', {}, '文书'), page.items.length === 0 ? el('p', { class: 'muted' }, '暂无文书。') : null, ...page.items.map(documentCard));
}

/** On a submitted inspection: its rectification notice, or the button that issues it (inspectors and bureaus, online). */
export async function noticePanel(inspection) {
  const user = session.user;
  if (
    inspection.status !== 'submitted' ||
    inspection.kind !== 'supervisory' ||
    !navigator.onLine ||
    !['inspector', 'bureau', 'admin'].includes(user.role)
  )
    return null;
  const box = el('div', { class: 'card', id: 'notice' });
  const fill = async () => {
    const docs = await api('GET', `/documents?inspectionId=${inspection.id}&kind=rectification_notice`).catch(() => ({ items: [] }));
    const live = docs.items.find((d) => d.status !== 'revoked');
    const message = el('p', { class: 'error', role: 'alert' });
    box.replaceChildren(el('h2', {}, '责令限期整改通知书'));
    if (live) return void box.append(documentCard(live));
    box.append(
      el('p', { class: 'muted' }, '列出本次检查未销号的隐患及各自整改期限，编号按本局年度顺序自动生成。'),
      message,
      el(
        'button',
        {
          class: 'primary',
          type: 'button',
          id: 'issue-notice',
          onclick: async () => {
            try {
              await api('POST', `/inspections/${inspection.id}/notices`);
              await fill();
            } catch (error) {
              message.textContent = errorText(error);
            }
          },
        },
        '签发整改通知书',
      ),
    );
  };
  await fill();
  return box;
}

/** On a finding: the numbers of the documents that list it. */
export async function findingDocuments(finding) {
  if (!navigator.onLine || !finding.institutionId) return null;
  // the notice of its inspection, a supervision notice of an ad-hoc finding: all list it in findingIds
  const docs = await api('GET', `/documents?institutionId=${finding.institutionId}&pageSize=500`).catch(() => ({ items: [] }));
  const mine = docs.items.filter((d) => d.findingIds.includes(finding.id) && d.status !== 'revoked');
  if (mine.length === 0) return null;
  return el(
    'div',
    { class: 'card', id: 'finding-documents' },
    ...mine.map((d) => el('p', {}, `${L.documentKinds[d.kind]}：`, el('b', {}, d.number))),
  );
}
