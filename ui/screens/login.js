import { api, ApiError, errorText, session } from '../lib/api.js';
import { el, render } from '../lib/dom.js';
import { passwordForm } from './password.js';

const CHANGE_REASON = '您的密码由管理员设置或已过期，请先修改密码再继续使用。';

/** Signs in; `onSignedIn` runs once the token is kept. */
export function loginScreen(onSignedIn) {
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'card',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        const data = new FormData(form);
        try {
          const res = await api('POST', '/auth/login', { username: data.get('username'), password: data.get('password') });
          session.save(res.accessToken, res.user);
          if (res.passwordChangeRequired) {
            // the token opens nothing else: change the password, then go on signed in
            document.getElementById('tabs').hidden = true;
            render(
              el('h1', {}, '修改密码'),
              passwordForm({
                currentPassword: data.get('password'),
                reason: CHANGE_REASON,
                onChanged: (changed) => onSignedIn(changed.user),
              }),
            );
            return;
          }
          await onSignedIn(res.user);
        } catch (error) {
          message.textContent = error instanceof ApiError && error.status === 401 ? '用户名或密码错误' : errorText(error);
        }
      },
    },
    el('label', { for: 'username' }, '用户名'),
    el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, '密码'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    message,
    el('button', { class: 'primary wide', type: 'submit' }, '登录'),
  );
  render(
    el('h1', {}, '民政服务机构安全隐患排查'),
    el('p', { class: 'muted' }, '请使用民政部门分配的账号登录。登录后任务会下载到本机，没有网络也能填写。'),
    form,
  );
}

/**
 * The token expired while work waits on the phone: ask for the password of the
 * SAME account in a dialog, keep everything, and resume.
 */
export function reloginDialog(onDone) {
  if (document.getElementById('relogin')) return;
  const user = session.user;
  const message = el('p', { class: 'error', role: 'alert' });
  const dialog = el(
    'dialog',
    { id: 'relogin', 'aria-labelledby': 'relogin-title' },
    el(
      'form',
      {
        method: 'dialog',
        onsubmit: async (event) => {
          event.preventDefault();
          message.textContent = '';
          try {
            const password = dialog.querySelector('#relogin-password').value;
            const res = await api('POST', '/auth/login', { username: user.username, password });
            session.save(res.accessToken, res.user);
            if (res.passwordChangeRequired) {
              // expired meanwhile: the new password first, then the queue goes on
              dialog
                .querySelector('form')
                .replaceWith(
                  passwordForm({ currentPassword: password, reason: CHANGE_REASON, onChanged: () => (dialog.close(), onDone()) }),
                );
              return;
            }
            dialog.close();
            onDone();
          } catch (error) {
            message.textContent = error instanceof ApiError && error.status === 401 ? '密码错误' : errorText(error);
          }
        },
      },
      el('h2', { id: 'relogin-title' }, '需要重新登录'),
      el('p', {}, `登录已过期。本机未同步的数据都已保留，输入 ${user.username} 的密码后继续上传。`),
      el('label', { for: 'relogin-password' }, '密码'),
      el('input', { id: 'relogin-password', type: 'password', autocomplete: 'current-password', required: true }),
      message,
      el(
        'div',
        { class: 'row' },
        el('button', { class: 'primary', type: 'submit' }, '登录并继续同步'),
        el('button', { type: 'button', onclick: () => dialog.close() }, '稍后'),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove()); // 稍后 or Esc: the 需要登录 badge opens it again
  document.body.append(dialog);
  dialog.showModal();
}
