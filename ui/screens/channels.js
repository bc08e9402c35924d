import { api, errorText, session } from '../lib/api.js';
import { el, render } from '../lib/dom.js';

/**
 * A bureau sets its region's work-group robots (企业微信, 钉钉) and sends a
 * test message. The saved values come back masked: an empty field keeps what
 * is saved, 移除 removes it.
 */
export async function channelsScreen(params) {
  const user = session.user;
  const region = params.get('regionCode') ?? user.regionCode ?? '';
  if (!region) {
    return render(
      el('h1', {}, '群机器人'),
      el(
        'form',
        {
          class: 'card',
          onsubmit: (e) => {
            e.preventDefault();
            location.hash = `#/channels?regionCode=${new FormData(e.currentTarget).get('regionCode')}`;
          },
        },
        el('label', { for: 'regionCode' }, '地区代码'),
        el('input', { id: 'regionCode', name: 'regionCode', required: true, pattern: '[0-9]{6}([0-9]{3})?' }),
        el('button', { class: 'primary wide', type: 'submit' }, '打开'),
      ),
    );
  }
  const [here, saved] = await Promise.all([api('GET', `/regions/${region}`), api('GET', `/regions/${region}/channels`)]);
  const status = el('p', { id: 'channel-status', role: 'status' });
  const field = (id, label, value, placeholder) => [
    el('label', { for: id }, label),
    el('p', { class: 'muted', id: `${id}-saved` }, value ? `已设置：${value}` : '未设置'),
    el('input', { id, name: id, type: id === 'dingtalkSecret' ? 'password' : 'url', autocomplete: 'off', placeholder }),
    value ? el('button', { type: 'button', dataset: { remove: id }, onclick: () => save({ [id]: null }) }, '移除') : null,
  ];
  const save = async (body) => {
    try {
      await api('PUT', `/regions/${region}/channels`, body);
      await channelsScreen(params);
      document.getElementById('channel-status').textContent = '已保存';
    } catch (error) {
      status.textContent = errorText(error);
      status.className = 'error';
    }
  };
  const form = el(
    'form',
    {
      class: 'card',
      id: 'channels',
      onsubmit: (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const body = {};
        for (const key of ['wecomWebhookUrl', 'dingtalkWebhookUrl', 'dingtalkSecret'])
          if (String(data.get(key) ?? '').trim()) body[key] = String(data.get(key)).trim();
        save(body);
      },
    },
    ...field(
      'wecomWebhookUrl',
      '企业微信群机器人 Webhook 地址',
      saved.wecomWebhookUrl,
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
    ),
    ...field(
      'dingtalkWebhookUrl',
      '钉钉自定义机器人 Webhook 地址',
      saved.dingtalkWebhookUrl,
      'https://oapi.dingtalk.com/robot/send?access_token=…',
    ),
    ...field('dingtalkSecret', '钉钉加签密钥（SEC 开头）', saved.dingtalkSecret, 'SEC…'),
    el('button', { class: 'primary wide', type: 'submit' }, '保存'),
  );
  const test = el(
    'button',
    {
      type: 'button',
      id: 'channel-test',
      class: 'wide',
      onclick: async () => {
        try {
          const { queued } = await api('POST', `/regions/${region}/channels/test`);
          status.className = '';
          status.textContent = `已发送 ${queued} 条测试消息，请在工作群中查看。`;
        } catch (error) {
          status.className = 'error';
          status.textContent = errorText(error);
        }
      },
    },
    '发送测试消息',
  );
  render(
    el('h1', {}, `群机器人 · ${here.name}`),
    el('p', { class: 'muted' }, '每日整改汇总（新发现、新逾期、即将到期、逾期升级）将发送到这些工作群。'),
    form,
    test,
    status,
  );
}
