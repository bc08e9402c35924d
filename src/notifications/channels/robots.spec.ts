import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { classifyAnswer, dingtalkSign, maskSecret, maskUrl, robotPayload, robotUrl, urlRefusal } from './robots.js';

describe('robot URLs', () => {
  it.each([
    ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', false, null],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=abc', false, null],
    ['wecom', 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', false, 'must be https (plain http only to a loopback address)'],
    [
      'wecom',
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      false,
      'must be on qyapi.weixin.qq.com (CHANNEL_ALLOW_ANY_HOST is off)',
    ],
    ['dingtalk', 'https://oapi.dingtalk.com.evil.cn/robot/send', false, 'must be on oapi.dingtalk.com (CHANNEL_ALLOW_ANY_HOST is off)'],
    ['dingtalk', 'https://oapi.dingtalk.com:8443/robot/send', false, 'must be on oapi.dingtalk.com (CHANNEL_ALLOW_ANY_HOST is off)'],
    ['wecom', 'http://127.0.0.1:8080/x', false, 'must be on qyapi.weixin.qq.com (CHANNEL_ALLOW_ANY_HOST is off)'],
    ['wecom', 'http://127.0.0.1:8080/x', true, null],
    ['wecom', 'http://[::1]:8080/x', true, null],
    ['wecom', 'http://10.0.0.5/x', true, 'must be https (plain http only to a loopback address)'],
    ['wecom', 'https://hooks.example.cn/x', true, null],
    ['wecom', 'https://u:p@qyapi.weixin.qq.com/x', false, 'must not carry a user name or password'],
    ['wecom', 'ftp://qyapi.weixin.qq.com/x', false, 'must be https (plain http only to a loopback address)'],
    ['wecom', 'not a url', false, 'is not a URL'],
  ] as const)('%s %s (any host: %s) → %s', (kind, url, any, refusal) => {
    expect(urlRefusal(kind, url, any)).toBe(refusal);
  });

  it('masks the tokens of URLs and the secret', () => {
    expect(maskUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5aaa',
    );
    expect(maskUrl('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=****cdef',
    );
    expect(maskSecret('SEC0123456789abcdef0123456789abcdef')).toBe('SEC****cdef');
    expect(maskSecret('short')).toBe('****');
    expect(maskUrl(null)).toBeNull();
  });
});

describe('DingTalk signature', () => {
  it('is base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded, appended to the webhook', () => {
    const secret = 'SECabcdef';
    const ts = 1_700_000_000_000;
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(decodeURIComponent(dingtalkSign(secret, ts))).toBe(expected);
    expect(dingtalkSign(secret, ts)).not.toMatch(/[+/=]/);
    expect(robotUrl('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=t', secret, ts)).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=${ts}&sign=${encodeURIComponent(expected)}`,
    );
    expect(robotUrl('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=t', null, ts)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=t',
    );
    expect(robotUrl('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret, ts)).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
    );
  });

  it('bodies are each robot’s markdown message', () => {
    expect(robotPayload('wecom', 'T', '### x')).toEqual({ msgtype: 'markdown', markdown: { content: '### x' } });
    expect(robotPayload('dingtalk', 'T', '### x')).toEqual({ msgtype: 'markdown', markdown: { title: 'T', text: '### x' } });
  });
});

describe('what a robot’s answer means', () => {
  it.each([
    ['wecom', 200, '{"errcode":0,"errmsg":"ok"}', 'delivered'],
    ['wecom', 200, '{"errcode":-1,"errmsg":"system busy"}', 'retry'],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', 'rate_limited'],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', 'permanent'],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}', 'rate_limited'],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', 'permanent'],
    ['dingtalk', 200, '{"errcode":300001,"errmsg":"token is not exist"}', 'permanent'],
    ['dingtalk', 200, '<html>garbage</html>', 'retry'],
    ['dingtalk', 200, '{"ok":true}', 'retry'],
    ['dingtalk', 502, '', 'retry'],
    ['dingtalk', 429, '', 'rate_limited'],
    ['dingtalk', 302, '', 'permanent'],
    ['wecom', 404, '', 'permanent'],
  ] as const)('%s HTTP %s %s → %s', (kind, status, body, outcome) => {
    expect(classifyAnswer(kind, status, body).kind).toBe(outcome);
  });
});
