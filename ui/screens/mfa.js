import { api, ApiError, errorText, session } from '../lib/api.js';
import { el, render } from '../lib/dom.js';

const APPS = '腾讯身份验证器、Microsoft Authenticator、Google Authenticator 等';

/**
 * Binds an authenticator app (TOTP): the QR code, the first code, then the
 * ten recovery codes shown once. `onDone` runs after the session was renewed
 * with full rights (an enrolment-only session is lifted by the confirmation).
 */
export async function mfaEnrollment({ reason, onDone }) {
  // required at login (a reason given): nothing else opens before it is done, so no tabs
  const hideTabs = () => reason && (document.getElementById('tabs').hidden = true);
  hideTabs();
  render(el('h1', {}, '绑定身份验证器'), el('p', { class: 'muted', role: 'status' }, '正在生成密钥…'));
  let enrollment;
  try {
    enrollment = await api('POST', '/auth/totp/enroll');
  } catch (error) {
    render(el('h1', {}, '绑定身份验证器'), el('p', { class: 'error', role: 'alert' }, errorText(error)));
    return;
  }
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'card',
      id: 'totp-form',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        try {
          const { recoveryCodes } = await api('POST', '/auth/totp/confirm', { code: form.querySelector('#totp-code').value.trim() });
          hideTabs();
          showRecoveryCodes(recoveryCodes, onDone);
        } catch (error) {
          message.textContent =
            error instanceof ApiError && error.status === 400
              ? '动态口令不正确：请核对手机时间是否准确，并输入当前显示的 6 位数字'
              : errorText(error);
        }
      },
    },
    el('label', { for: 'totp-code' }, '第二步：输入 App 上显示的 6 位动态口令'),
    el('input', {
      id: 'totp-code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '\\d{6}',
      maxlength: 6,
      required: true,
    }),
    message,
    el('button', { class: 'primary wide', type: 'submit' }, '完成绑定'),
  );
  hideTabs();
  render(
    el('h1', {}, '绑定身份验证器'),
    reason ? el('p', { class: 'card', role: 'status' }, reason) : null,
    el(
      'div',
      { class: 'card' },
      el('p', {}, `第一步：用手机上的身份验证器（${APPS}）扫描二维码。`),
      el('img', {
        class: 'qr',
        id: 'totp-qr',
        width: 200,
        height: 200,
        alt: '身份验证器绑定二维码',
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrSvg)}`,
      }),
      el('p', { class: 'muted' }, '无法扫码时，在 App 中手动添加账号，输入密钥：'),
      el('p', {}, el('code', { id: 'totp-secret' }, enrollment.secret.replace(/(.{4})/g, '$1 ').trim())),
    ),
    form,
  );
}

function showRecoveryCodes(codes, onDone) {
  const message = el('p', { class: 'error', role: 'alert' });
  render(
    el('h1', {}, '保存恢复码'),
    el(
      'div',
      { class: 'card' },
      el(
        'p',
        { role: 'status' },
        '绑定成功。请把下面 10 个恢复码抄写或打印后妥善保管：手机丢失时可用其中一个代替动态口令登录，每个只能使用一次。此页关闭后不再显示。',
      ),
      el('ol', { id: 'recovery-codes', class: 'codes' }, ...codes.map((c) => el('li', {}, el('code', {}, c)))),
    ),
    message,
    el(
      'button',
      {
        class: 'primary wide',
        type: 'button',
        id: 'recovery-saved',
        onclick: async () => {
          try {
            // the enrolment-only session is lifted: renew it for a token with the role's full rights
            const pair = await api('POST', '/auth/refresh', { refreshToken: session.refreshToken });
            session.save(pair.accessToken, undefined, pair.refreshToken);
            await onDone();
          } catch (error) {
            message.textContent = errorText(error);
          }
        },
      },
      '我已保存，继续',
    ),
  );
}

/** #/mfa: any user may bind an authenticator app of their own accord. */
export function mfaScreen() {
  return mfaEnrollment({
    onDone: () =>
      render(
        el('h1', {}, '绑定身份验证器'),
        el('p', { class: 'card', role: 'status' }, '已启用动态口令。以后登录时需要输入身份验证器上的 6 位数字。'),
        el('a', { class: 'button', href: '#/' }, '返回'),
      ),
  });
}
