import { api, ApiError, errorText, session } from '../lib/api.js';
import { el, render } from '../lib/dom.js';

const RULE = '至少 8 位，包含小写字母、大写字母、数字、符号中的至少三类；不能包含用户名，不能与最近 5 次的密码相同。';

/**
 * Changes the signed-in user's password (POST /auth/password). With
 * `currentPassword` given (just typed at login) only the new one is asked.
 * `onChanged` gets the new login answer (a new token: other sessions end).
 */
export function passwordForm({ currentPassword, reason, onChanged }) {
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'card',
      id: 'password-form',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        const data = new FormData(form);
        if (data.get('newPassword') !== data.get('confirmPassword')) {
          message.textContent = '两次输入的新密码不一致';
          return;
        }
        try {
          const res = await api('POST', '/auth/password', {
            currentPassword: currentPassword ?? data.get('currentPassword'),
            newPassword: data.get('newPassword'),
          });
          session.save(res.accessToken, res.user, res.refreshToken);
          await onChanged(res);
        } catch (error) {
          const problems = error instanceof ApiError ? error.problem?.errors?.map((e) => e.message) : undefined;
          message.textContent = problems?.length ? problems.join('；') : errorText(error);
        }
      },
    },
    reason ? el('p', { role: 'status' }, reason) : null,
    currentPassword ? null : el('label', { for: 'current-password' }, '当前密码'),
    currentPassword
      ? null
      : el('input', {
          id: 'current-password',
          name: 'currentPassword',
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        }),
    el('label', { for: 'new-password' }, '新密码'),
    el('input', {
      id: 'new-password',
      name: 'newPassword',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      minlength: 8,
      'aria-describedby': 'password-rule',
    }),
    el('p', { class: 'muted', id: 'password-rule' }, RULE),
    el('label', { for: 'confirm-password' }, '再次输入新密码'),
    el('input', { id: 'confirm-password', name: 'confirmPassword', type: 'password', autocomplete: 'new-password', required: true }),
    message,
    el('button', { class: 'primary wide', type: 'submit' }, '修改密码'),
  );
  return form;
}

/** The screen behind #/password: any signed-in user changes their own password. */
export function passwordScreen() {
  render(
    el('h1', {}, '修改密码'),
    el('p', {}, el('a', { href: '#/mfa', id: 'mfa-link' }, '绑定身份验证器（登录时使用动态口令）')),
    passwordForm({
      onChanged: () => {
        render(
          el('h1', {}, '修改密码'),
          el('p', { class: 'card', role: 'status' }, '密码已修改。其他设备上的登录已失效。'),
          el('a', { class: 'button', href: '#/' }, '返回'),
        );
      },
    }),
  );
}
