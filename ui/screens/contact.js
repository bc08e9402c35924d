import { api, errorText } from '../lib/api.js';
import { el } from '../lib/dom.js';

/**
 * The institution's phone, masked (138****1234). A bureau may 查看 it in full:
 * the server records who saw whose number (个人信息保护), and the page says so.
 */
export function institutionContact(institutionId, user) {
  const line = el('p', { class: 'contact' }, '联系电话：…');
  if (!institutionId || !navigator.onLine) {
    line.hidden = true;
    return line;
  }
  api('GET', `/institutions/${institutionId}`, undefined, { timeout: 10_000 }).then(
    (institution) => {
      const number = el('span', { id: 'institution-phone' }, institution.phone ?? '未填写');
      const reveal =
        user.role === 'bureau' && institution.phone
          ? el(
              'button',
              {
                type: 'button',
                id: 'reveal-phone',
                title: '查看完整号码会被记录在审计日志中',
                onclick: async () => {
                  try {
                    const full = await api('GET', `/institutions/${institutionId}?reveal=phone`);
                    number.textContent = full.phone;
                    reveal.replaceWith(el('span', { class: 'muted' }, '（已记录查看）'));
                  } catch (error) {
                    number.textContent = `${institution.phone}（${errorText(error)}）`;
                  }
                },
              },
              '查看',
            )
          : null;
      line.replaceChildren('联系电话：', number, reveal ? ' ' : '', reveal ?? '');
    },
    () => (line.hidden = true),
  );
  return line;
}
