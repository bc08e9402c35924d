import { api, ApiError, errorText, session } from '../lib/api.js';
import { el, render } from '../lib/dom.js';
import { mfaEnrollment } from './mfa.js';
import { passwordForm } from './password.js';

const CHANGE_REASON = '您的密码由管理员设置或已过期，请先修改密码再继续使用。';
const WRONG = '用户名或密码错误';
const MFA_REASON = '按照等级保护要求，您的账号登录时需要“密码 + 动态口令”两种方式验证。请先绑定手机上的身份验证器。';

/** The code field of a login form, hidden until the server asks for it (a user with a second factor). */
function totpField(id) {
  return el(
    'div',
    { id: `${id}-box`, hidden: true },
    el('label', { for: id }, '动态口令'),
    el('input', { id, name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 16, 'aria-describedby': `${id}-hint` }),
    el('p', { class: 'muted', id: `${id}-hint` }, '输入身份验证器上的 6 位数字；手机丢失时可输入一个恢复码。'),
  );
}

/**
 * POST /auth/login with the code when the form shows its field. Answers the
 * login, or a text for the user (and opens the code field when it is needed).
 */
async function signIn(form, username, password) {
  const box = form.querySelector('[id$="-box"]');
  const code = box.hidden ? '' : box.querySelector('input').value.trim();
  try {
    return { res: await api('POST', '/auth/login', { username, password, ...(code ? { totp: code } : {}) }) };
  } catch (error) {
    const type = error instanceof ApiError ? (error.problem.type ?? '') : '';
    if (type.endsWith(':totp_required')) {
      box.hidden = false;
      box.querySelector('input').required = true;
      box.querySelector('input').focus();
      return { text: '请输入身份验证器上的动态口令' };
    }
    if (type.endsWith(':invalid_totp')) return { text: '动态口令不正确或已使用过，请输入下一个口令' };
    return { text: error instanceof ApiError && error.status === 401 ? WRONG : errorText(error) };
  }
}

/** After a login: the password first if it must change, then the second factor if the role needs one, then the app. */
async function proceed(res, currentPassword, onSignedIn) {
  session.save(res.accessToken, res.user, res.refreshToken);
  if (res.passwordChangeRequired) {
    // the token opens nothing else: change the password, then go on signed in
    document.getElementById('tabs').hidden = true;
    render(
      el('h1', {}, '修改密码'),
      passwordForm({ currentPassword, reason: CHANGE_REASON, onChanged: (changed) => proceed(changed, undefined, onSignedIn) }),
    );
    return;
  }
  if (res.mfaEnrollmentRequired) {
    document.getElementById('tabs').hidden = true;
    await mfaEnrollment({ reason: MFA_REASON, onDone: () => onSignedIn(res.user) });
    return;
  }
  await onSignedIn(res.user);
}

/** Signs in; `onSignedIn` runs once the tokens are kept. */
export function loginScreen(onSignedIn) {
  let lockout;
  const message = el('p', { class: 'error', role: 'alert' });
  const demo = el('p', { class: 'card', id: 'demo-note', role: 'note', hidden: true });
  const form = el(
    'form',
    {
      class: 'card',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        const data = new FormData(form);
        const { res, text } = await signIn(form, data.get('username'), data.get('password'));
        if (!res) {
          // the same answer for a wrong password and a locked account: say what locks it, and who unlocks
          message.textContent =
            text === WRONG && lockout
              ? `${WRONG}。连续输错 ${lockout.lockoutThreshold} 次，账号将被锁定 ${lockout.lockoutMinutes} 分钟；如已锁定，请稍后再试或联系安全管理员解锁。`
              : text;
          return;
        }
        try {
          await proceed(res, data.get('password'), onSignedIn);
        } catch (error) {
          message.textContent = errorText(error);
        }
      },
    },
    el('label', { for: 'username' }, '用户名'),
    el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, '密码'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    totpField('totp'),
    message,
    el('button', { class: 'primary wide', type: 'submit' }, '登录'),
  );
  render(
    el('h1', {}, '民政服务机构安全隐患排查'),
    el('p', { class: 'muted' }, '请使用民政部门分配的账号登录。登录后任务会下载到本机，没有网络也能填写。'),
    demo,
    form,
  );
  // demo mode is said on the login screen: the demo accounts skip the second factor only then
  api('GET', '/auth/options', undefined, { timeout: 5_000 }).then(
    (options) => {
      lockout = options;
      if (!options.demo) return;
      demo.textContent =
        '演示模式：已载入演示数据。演示账号（demo-bureau、demo-inspector、demo-head）登录时无需动态口令；正式部署时按等级保护要求，管理员和民政部门账号须绑定身份验证器。';
      demo.hidden = false;
    },
    () => undefined,
  );
}

/**
 * The session ended while work waits on the phone: ask for the password (and
 * the code, if the account has one) of the SAME account in a dialog, keep
 * everything, and resume.
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
          const form = dialog.querySelector('form');
          const password = dialog.querySelector('#relogin-password').value;
          const { res, text } = await signIn(form, user.username, password);
          if (!res) {
            message.textContent = text === WRONG ? '密码错误' : text;
            return;
          }
          session.save(res.accessToken, res.user, res.refreshToken);
          if (res.passwordChangeRequired) {
            // expired meanwhile: the new password first, then the queue goes on
            form.replaceWith(
              passwordForm({ currentPassword: password, reason: CHANGE_REASON, onChanged: () => (dialog.close(), onDone()) }),
            );
            return;
          }
          dialog.close();
          onDone();
        },
      },
      el('h2', { id: 'relogin-title' }, '需要重新登录'),
      el('p', {}, `登录已过期。本机未同步的数据都已保留，输入 ${user.username} 的密码后继续上传。`),
      el('label', { for: 'relogin-password' }, '密码'),
      el('input', { id: 'relogin-password', type: 'password', autocomplete: 'current-password', required: true }),
      totpField('relogin-totp'),
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
