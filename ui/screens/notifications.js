import L from '/labels.js';
import { api, session } from '../lib/api.js';
import { el, render, shortTime, tag } from '../lib/dom.js';

/** The unread count in the header's badge (quietly nothing when offline). */
export async function refreshUnread() {
  const bell = document.getElementById('bell');
  const badge = document.getElementById('unread');
  bell.hidden = !session.user;
  if (!session.user) return;
  try {
    const { total } = await api('GET', '/notifications?unread=true&pageSize=1', undefined, { timeout: 10_000 });
    badge.textContent = total > 99 ? '99+' : String(total);
    badge.hidden = total === 0;
  } catch {
    // offline: the badge keeps its last count
  }
}

/** Your notifications, newest first; opening one marks it read and goes to its finding (a digest: to the list). */
export async function notificationsScreen() {
  const page = await api('GET', '/notifications?pageSize=100');
  const open = async (n) => {
    if (!n.readAt) await api('POST', `/notifications/${n.id}/read`).catch(() => undefined);
    location.hash = n.findingId ? `#/finding/${n.findingId}` : '#/findings';
  };
  render(
    el('h1', {}, '通知'),
    page.items.length === 0 ? el('p', { class: 'muted' }, '暂无通知') : null,
    el(
      'div',
      { class: 'card', id: 'notifications' },
      ...page.items.map((n) =>
        el(
          'a',
          {
            href: '#',
            class: `notice${n.readAt ? '' : ' unread'}`,
            dataset: { notification: n.id, kind: n.kind },
            onclick: (e) => {
              e.preventDefault();
              open(n);
            },
          },
          tag(n.kind === 'overdue' || n.kind === 'escalation' ? 'overdue' : 'open', L.notificationKinds[n.kind] ?? n.kind),
          ' ',
          el('span', {}, n.message),
          ' ',
          el('small', { class: 'muted' }, shortTime(n.createdAt)),
        ),
      ),
    ),
  );
  refreshUnread();
}
