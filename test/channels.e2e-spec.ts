import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CryptoService } from '../src/crypto/crypto.service.js';
import { ChannelSealer } from '../src/notifications/channels/channel-sealer.js';
import { Factories, findingIn, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { api } from './helpers/api.js';
import { freeLowPort } from './helpers/processes.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

interface Hit {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  at: number;
}

/** A local robot: records each POST and answers with the next of `answers` (then `{"errcode":0}`); `hang` never answers. */
async function robot(): Promise<{ base: string; hits: Hit[]; answers: string[]; hang: { on: boolean }; server: Server }> {
  const hits: Hit[] = [];
  const answers: string[] = [];
  const hang = { on: false };
  const port = await freeLowPort();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      hits.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(body) as Record<string, unknown>, at: Date.now() });
      if (hang.on) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end(answers.shift() ?? '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${port}`, hits, answers, hang, server };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const WECOM_KEY = '693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa';
const DING_TOKEN = 'd1e2a3d4b5e6e7f8aaaabbbbccccdddd';
const DING_SECRET = 'SEC5f2c1d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0';
const plus = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('work-group robots (WeCom, DingTalk) and daily digests', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let wecom: Awaited<ReturnType<typeof robot>>;
  let ding: Awaited<ReturnType<typeof robot>>;
  let wecomUrl: string;
  let dingUrl: string;

  beforeAll(async () => {
    wecom = await robot();
    ding = await robot();
    wecomUrl = `${wecom.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`;
    dingUrl = `${ding.base}/robot/send?access_token=${DING_TOKEN}`;
    t = await createTestApp({ env: { CHANNEL_ALLOW_ANY_HOST: 'true', PUBLIC_BASE_URL: 'https://paicha.example.cn' } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
    wecom.server.closeAllConnections();
    ding.server.closeAllConnections();
    await Promise.all([new Promise((r) => wecom.server.close(r)), new Promise((r) => ding.server.close(r))]);
  });

  const outbox = async () =>
    (
      await f.db.query<{
        id: string;
        target: string;
        attempts: number;
        delivered: boolean;
        gave_up: boolean;
        last_error: string | null;
        wait_s: number;
      }>(
        `SELECT id::text, target, attempts, delivered_at IS NOT NULL AS delivered, gave_up_at IS NOT NULL AS gave_up, last_error,
              extract(epoch FROM next_attempt_at - now())::float AS wait_s
       FROM webhook_outbox WHERE target <> 'webhook' ORDER BY id`,
      )
    ).rows;

  it('sets, masks and guards the robots: bureau of that region or admin, URL rules, nothing secret in GET or the audit trail', async () => {
    const put = (who: { token: string }, body: object, code = '522633') => api(t).as(who).put(`/regions/${code}/channels`, body);
    expect((await put(w.bureauQdn, { wecomWebhookUrl: wecomUrl })).status).toBe(403); // the city's bureau, not the county's
    expect((await put(w.bureauGz, { wecomWebhookUrl: wecomUrl })).status).toBe(404); // another province
    expect((await put(w.inspectorCj, { wecomWebhookUrl: wecomUrl })).status).toBe(403);
    expect((await put(w.bureauCj, { wecomWebhookUrl: wecomUrl }, '999999')).status).toBe(404);
    const bad = await put(w.bureauCj, { wecomWebhookUrl: 'http://10.1.2.3/cgi-bin/webhook/send?key=x', dingtalkSecret: DING_SECRET });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'wecomWebhookUrl', message: 'must be https (plain http only to a loopback address)' },
      { field: 'dingtalkSecret', message: 'needs a dingtalkWebhookUrl' },
    ]);
    expect((await put(w.bureauCj, { wecomWebhookUrl: 'x'.repeat(2049) })).status).toBe(400);
    expect((await put(w.bureauCj, { wecomWebhookUrl: wecomUrl, unknown: 1 })).status).toBe(400);
    expect((await api(t).as(w.bureauCj).get('/regions/522633/channels').expect(200)).body).toEqual({
      regionCode: '522633',
      wecomWebhookUrl: null,
      dingtalkWebhookUrl: null,
      dingtalkSecret: null,
      updatedAt: null,
    });

    const ok = await put(w.bureauCj, { wecomWebhookUrl: wecomUrl, dingtalkWebhookUrl: dingUrl, dingtalkSecret: DING_SECRET }).expect(200);
    const masked = {
      regionCode: '522633',
      wecomWebhookUrl: `${wecom.base}/cgi-bin/webhook/send?key=****5aaa`,
      dingtalkWebhookUrl: `${ding.base}/robot/send?access_token=****dddd`,
      dingtalkSecret: 'SEC****f1e0',
      updatedAt: expect.any(String),
    };
    expect(ok.body).toEqual(masked);
    const got = await api(t).as(w.admin).get('/regions/522633/channels').expect(200);
    expect(got.body).toEqual(masked);
    // sending the masked values back changes nothing; null removes
    await put(w.bureauCj, { ...got.body, regionCode: undefined, updatedAt: undefined }).expect(200);
    // at rest: encrypted under DATA_KEY (suite intl, key version 1), no token or secret in clear
    const stored = await f.db.query<Record<string, string>>(
      'SELECT wecom_webhook_url, dingtalk_webhook_url, dingtalk_secret FROM region_channels',
    );
    expect(stored.rows).toHaveLength(1);
    const row = stored.rows[0];
    for (const value of Object.values(row)) {
      expect(value).toMatch(/^enc1\.intl\.1\.[A-Za-z0-9_-]+$/);
      for (const secret of [WECOM_KEY, DING_TOKEN, DING_SECRET, '127.0.0.1']) expect(value).not.toContain(secret);
    }
    const crypto = t.app.get(CryptoService);
    expect(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, crypto.decrypt(v)]))).toEqual({
      wecom_webhook_url: wecomUrl,
      dingtalk_webhook_url: dingUrl,
      dingtalk_secret: DING_SECRET,
    });
    const audit = await f.db.query<{ data: object }>(`SELECT data FROM audit_events WHERE action = 'region.channels.update' ORDER BY id`);
    expect(audit.rows[0].data).toEqual({ wecomWebhookUrl: 'set', dingtalkWebhookUrl: 'set', dingtalkSecret: 'set' });
    const everything = JSON.stringify(audit.rows);
    for (const secret of [WECOM_KEY, DING_TOKEN, DING_SECRET]) expect(everything).not.toContain(secret);
  });

  it('sends a test message to each robot (exact payloads, DingTalk signed), at most one burst per 10 s', async () => {
    const [w0, d0] = [wecom.hits.length, ding.hits.length];
    const res = await api(t).as(w.bureauCj).post('/regions/522633/channels/test').expect(202);
    expect(res.body).toEqual({ queued: 2 });
    expect((await api(t).as(w.bureauCj).post('/regions/522633/channels/test')).status).toBe(429);
    await until(() => wecom.hits.length > w0 && ding.hits.length > d0, 10_000);
    const wHit = wecom.hits[w0];
    expect(wHit.path).toBe('/cgi-bin/webhook/send');
    expect(wHit.query.get('key')).toBe(WECOM_KEY);
    expect(wHit.body).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining('排查系统测试消息') } });
    const dHit = ding.hits[d0];
    expect(dHit.body).toEqual({ msgtype: 'markdown', markdown: { title: '排查系统测试消息', text: expect.stringContaining('从江县') } });
    expect(dHit.query.get('access_token')).toBe(DING_TOKEN);
    // the documented algorithm: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)); URLSearchParams has URL-decoded it
    const ts = dHit.query.get('timestamp')!;
    expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(60_000);
    expect(dHit.query.get('sign')).toBe(createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64'));
    const region = await f.db.query(
      `SELECT count(*)::int AS n FROM webhook_outbox WHERE region_code = '522633' AND payload::text LIKE '%SEC%'`,
    );
    expect(region.rows[0].n).toBe(0);
  });

  it('retries errcode ≠ 0 with backoff, waits a minute after a rate-limit answer, gives up on what cannot work', async () => {
    await f.db.query(`UPDATE webhook_outbox SET created_at = created_at - interval '1 minute'`); // past the test-message burst guard
    wecom.answers.push('{"errcode":-1,"errmsg":"system busy"}');
    ding.answers.push('{"errcode":130101,"errmsg":"send too fast"}');
    const before = (await outbox()).length;
    await api(t).as(w.bureauCj).post('/regions/522633/channels/test').expect(202);
    await until(async () => (await outbox()).slice(before).every((r) => r.attempts >= 1 && r.last_error !== null), 10_000);
    let rows = (await outbox()).slice(before);
    const dRow = rows.find((r) => r.target === 'dingtalk')!;
    expect(dRow).toMatchObject({ delivered: false, gave_up: false, last_error: 'errcode 130101: send too fast' });
    expect(dRow.wait_s).toBeGreaterThan(50); // a rate limit waits a minute, not a second
    // WeCom's busy answer is retried after 1 s and then delivered
    await until(async () => (await outbox()).slice(before).find((r) => r.target === 'wecom')!.delivered, 10_000);
    expect((await outbox()).slice(before).find((r) => r.target === 'wecom')).toMatchObject({ attempts: 2, delivered: true });
    // the minute passes (moved forward here): DingTalk is sent again and delivered
    await f.db.query('UPDATE webhook_outbox SET next_attempt_at = now() WHERE id = $1', [dRow.id]);
    await until(async () => (await outbox()).find((r) => r.id === dRow.id)!.delivered, 10_000);

    // a robot that was deleted (93000) is given up at once and never tried again
    await f.db.query(`UPDATE webhook_outbox SET created_at = created_at - interval '1 minute'`);
    wecom.answers.push('{"errcode":93000,"errmsg":"invalid webhook url"}');
    const hits = wecom.hits.length;
    await api(t).as(w.bureauCj).post('/regions/522633/channels/test').expect(202);
    await until(async () => (await outbox()).some((r) => r.target === 'wecom' && r.gave_up), 10_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(wecom.hits.length).toBe(hits + 1);
    rows = await outbox();
    expect(rows.filter((r) => r.gave_up)).toEqual([
      expect.objectContaining({ target: 'wecom', last_error: 'errcode 93000: invalid webhook url' }),
    ]);
  });

  it('a 60-day catch-up run sends one digest per region with robots, with counts and links, not a message per finding', async () => {
    // the city's bureau also has a robot: its digest covers the whole subtree
    await api(t)
      .as(w.bureauQdn)
      .put('/regions/522600/channels', { wecomWebhookUrl: `${wecom.base}/cgi-bin/webhook/send?key=city-key-0001` })
      .expect(200);
    const start = '2027-01-01';
    await f.db.query(
      `INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised)
       SELECT $1, '522633', '隐患' || g, CASE WHEN g % 20 = 0 THEN 'major' ELSE 'general' END, 'open', $2::date + (g % 60), $2::date + (g % 60) + 3, g % 20 = 0
       FROM generate_series(1, 600) g`,
      [w.instCj.id, start],
    );
    // the last digest before the outage
    await api(t).as(w.admin).post('/jobs/deadlines/run', { asOf: start }).expect(200);
    await until(async () => (await outbox()).every((r) => r.delivered || r.gave_up), 10_000);
    const [w0, d0] = [wecom.hits.length, ding.hits.length];
    const res = await api(t)
      .as(w.admin)
      .post('/jobs/deadlines/run', { asOf: plus(start, 60) })
      .expect(200);
    expect(res.body).toMatchObject({ regionDigests: 2, robotMessages: 3, digests: 1 });
    expect(res.body.markedOverdue).toBeGreaterThan(500);
    await until(() => wecom.hits.length >= w0 + 2 && ding.hits.length >= d0 + 1, 10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(wecom.hits.length - w0).toBe(2);
    expect(ding.hits.length - d0).toBe(1);
    const county = (ding.hits[d0].body.markdown as { text: string }).text;
    expect(county).toContain('隐患排查日报 · 从江县 · 2027-03-02');
    expect(county).toMatch(/新逾期隐患：\*\*\d{3}\*\* 项/);
    expect(county).toContain('](https://paicha.example.cn/#/finding/');
    const city = wecom.hits
      .slice(w0)
      .map((h) => (h.body.markdown as { content: string }).content)
      .find((c) => c.includes('黔东南'));
    expect(city).toContain('隐患排查日报 · 黔东南苗族侗族自治州 · 2027-03-02');
    expect(city).toContain('【重大】');
    // the head got one digest for the day, not 600 pushes; the same day again sends nothing
    const again = await api(t)
      .as(w.admin)
      .post('/jobs/deadlines/run', { asOf: plus(start, 60) })
      .expect(200);
    expect(again.body).toMatchObject({ regionDigests: 0, robotMessages: 0, digests: 0 });
  });

  it('encrypts at boot a robot stored in clear before, still masks it, and its messages still arrive signed', async () => {
    const token = 'cafe0123456789abcdefcafe01234567';
    const secret = 'SECabcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
    const url = `${ding.base}/robot/send?access_token=${token}`;
    // a row as an older version wrote it
    await f.db.query(
      `INSERT INTO region_channels (region_code, dingtalk_webhook_url, dingtalk_secret, updated_at) VALUES ('513336', $1, $2, now())`,
      [url, secret],
    );
    const masked = { dingtalkWebhookUrl: `${ding.base}/robot/send?access_token=****4567`, dingtalkSecret: 'SEC****6789' };
    expect((await api(t).as(w.admin).get('/regions/513336/channels').expect(200)).body).toMatchObject(masked);
    expect(await t.app.get(ChannelSealer).sealAll()).toBe(1);
    expect(await t.app.get(ChannelSealer).sealAll()).toBe(0);
    const { rows } = await f.db.query<{ url: string; secret: string; wecom: string | null }>(
      `SELECT dingtalk_webhook_url AS url, dingtalk_secret AS secret, wecom_webhook_url AS wecom FROM region_channels WHERE region_code = '513336'`,
    );
    expect(rows).toEqual([
      { url: expect.stringMatching(/^enc1\.intl\.1\./), secret: expect.stringMatching(/^enc1\.intl\.1\./), wecom: null },
    ]);
    expect(`${rows[0].url}${rows[0].secret}`).not.toContain(token);
    expect(rows[0].secret).not.toContain(secret);
    expect((await api(t).as(w.admin).get('/regions/513336/channels').expect(200)).body).toMatchObject(masked);

    await api(t).as(w.admin).post('/regions/513336/channels/test').expect(202);
    await until(() => ding.hits.some((h) => h.query.get('access_token') === token), 10_000);
    const hit = ding.hits.find((h) => h.query.get('access_token') === token)!;
    expect(hit.body).toEqual({ msgtype: 'markdown', markdown: { title: '排查系统测试消息', text: expect.stringContaining('乡城县') } });
    const ts = hit.query.get('timestamp')!;
    expect(hit.query.get('sign')).toBe(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  });

  it('a robot that hangs blocks neither the job nor the API; the attempt times out after 5 s and is retried', async () => {
    ding.hang.on = true;
    await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', deadline: '2027-05-01' });
    const started = Date.now();
    await api(t).as(w.admin).post('/jobs/deadlines/run', { asOf: '2027-05-03' }).expect(200);
    await api(t).as(w.bureauCj).get('/regions/522633/channels').expect(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    await until(async () => (await outbox()).some((r) => r.target === 'dingtalk' && r.last_error === 'timed out after 5 s'), 15_000).catch(
      async (error: unknown) => {
        console.log(JSON.stringify(await outbox()));
        throw error;
      },
    );
    ding.hang.on = false;
  }, 30_000);
});
