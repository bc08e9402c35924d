import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { creditCodeCheckChar } from '../src/institutions/credit-code.js';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';
import { PhoneSealer } from '../src/institutions/phone-sealer.js';

const HEADER = 'name,type,regionCode,address,beds,creditCode,headName,phone';

/** A valid 统一社会信用代码 built from a serial number (check character computed). */
function creditCode(serial: number): string {
  const first17 = `52522633MJ${String(serial).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

describe('institutions', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const auth = (token: string) => bearer({ token });
  const upload = (token: string, csv: string | Buffer, filename = 'institutions.csv') =>
    request(t.http)
      .post('/api/v1/institutions/import')
      .set(auth(token))
      .attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv), filename);

  beforeAll(async () => {
    t = await createTestApp({ env: { UPLOAD_MAX_BYTES: String(4 * 1024 * 1024) } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  describe('personal data (个人信息保护法)', () => {
    it('stores the phone encrypted, shows it masked, and in full only to a bureau in scope, audited', async () => {
      const created = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.bureauCj.token))
        .send({ name: '隐私测试养老院', type: 'elderly_care', regionCode: '522633', phone: '13812341234' })
        .expect(201);
      const id = created.body.id as string;
      expect(created.body.phone).toBe('138****1234');
      const { rows } = await f.db.query<{ phone: string }>('SELECT phone FROM institutions WHERE id = $1', [id]);
      expect(rows[0].phone).toMatch(/^enc1\.intl\.1\.[A-Za-z0-9_-]+$/);
      expect(rows[0].phone).not.toContain('1234');
      const list = await request(t.http).get('/api/v1/institutions?q=隐私测试').set(auth(w.inspectorCj.token)).expect(200);
      expect(list.body.items.map((i: { phone: string }) => i.phone)).toEqual(['138****1234']);
      // the audit keeps what the API showed, not the number
      const events = await f.db.query(`SELECT data::text AS data FROM audit_events WHERE entity_id = $1`, [id]);
      expect(events.rows.every((e: { data: string }) => !e.data.includes('13812341234'))).toBe(true);

      const revealed = await request(t.http).get(`/api/v1/institutions/${id}?reveal=phone`).set(auth(w.bureauCj.token)).expect(200);
      expect(revealed.body.phone).toBe('13812341234');
      const reveals = await f.db.query(`SELECT actor_id, data FROM audit_events WHERE action = 'institution.reveal' AND entity_id = $1`, [
        id,
      ]);
      expect(reveals.rows).toEqual([{ actor_id: w.bureauCj.id, data: { fields: ['phone'] } }]);
      // an inspector and the admin may not; a bureau elsewhere does not see the institution at all
      expect((await request(t.http).get(`/api/v1/institutions/${id}?reveal=phone`).set(auth(w.inspectorCj.token))).status).toBe(403);
      expect((await request(t.http).get(`/api/v1/institutions/${id}?reveal=phone`).set(auth(w.admin.token))).status).toBe(403);
      expect((await request(t.http).get(`/api/v1/institutions/${id}?reveal=phone`).set(auth(w.bureauGz.token))).status).toBe(404);
      expect((await request(t.http).get(`/api/v1/institutions/${id}?reveal=address`).set(auth(w.bureauCj.token))).status).toBe(400);
    });

    it('encrypts at boot a phone stored in clear before, and still shows it masked', async () => {
      const created = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.bureauCj.token))
        .send({ name: '旧数据养老院', type: 'elderly_care', regionCode: '522633' })
        .expect(201);
      await f.db.query(`UPDATE institutions SET phone = '0855-7654321' WHERE id = $1`, [created.body.id]);
      expect((await request(t.http).get(`/api/v1/institutions/${created.body.id}`).set(auth(w.bureauCj.token))).body.phone).toBe(
        '085****4321',
      );
      expect(await t.app.get(PhoneSealer).sealAll()).toBeGreaterThanOrEqual(1);
      const { rows } = await f.db.query<{ phone: string }>('SELECT phone FROM institutions WHERE id = $1', [created.body.id]);
      expect(rows[0].phone).toMatch(/^enc1\./);
      const revealed = await request(t.http)
        .get(`/api/v1/institutions/${created.body.id}?reveal=phone`)
        .set(auth(w.bureauCj.token))
        .expect(200);
      expect(revealed.body.phone).toBe('0855-7654321');
      // the boot gave it a blind index too: exact search finds it
      const found = await request(t.http).get('/api/v1/institutions?phone=0855%207654321').set(auth(w.bureauCj.token)).expect(200);
      expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    });

    it('finds an institution by its whole phone number through the blind index, in scope only', async () => {
      const phone = '139-0855-2468';
      const created = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.bureauCj.token))
        .send({ name: '电话检索养老院', type: 'elderly_care', regionCode: '522633', phone })
        .expect(201);
      const { rows } = await f.db.query<{ phone_index: string }>('SELECT phone_index FROM institutions WHERE id = $1', [created.body.id]);
      expect(rows[0].phone_index).toMatch(/^1\.[0-9a-f]{40}$/);
      expect(rows[0].phone_index).not.toContain('2468');
      const search = (caller: string, value: string) =>
        request(t.http)
          .get(`/api/v1/institutions?phone=${encodeURIComponent(value)}`)
          .set(auth(caller));
      for (const spelling of ['13908552468', '139 0855 2468', phone]) {
        expect((await search(w.bureauCj.token, spelling).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual([
          created.body.id,
        ]);
      }
      // a part of the number finds nothing (exact search only); another region's bureau finds nothing
      expect((await search(w.bureauCj.token, '08552468').expect(200)).body.total).toBe(0);
      expect((await search(w.bureauGz.token, '13908552468').expect(200)).body.total).toBe(0);
      expect((await search(w.bureauCj.token, 'abc')).status).toBe(400);
      // a changed number moves the index
      await request(t.http)
        .patch(`/api/v1/institutions/${created.body.id}`)
        .set(auth(w.bureauCj.token))
        .send({ phone: '13800001111' })
        .expect(200);
      expect((await search(w.bureauCj.token, '13908552468').expect(200)).body.total).toBe(0);
      expect((await search(w.bureauCj.token, '13800001111').expect(200)).body.total).toBe(1);
    });
  });

  describe('create, read, update', () => {
    it('creates an institution with every field and audits it', async () => {
      const code = creditCode(1);
      const res = await request(t.http).post('/api/v1/institutions').set(auth(w.bureauQdn.token)).send({
        name: ' 从江县中心敬老院 ',
        type: 'elderly_care',
        regionCode: '522633',
        address: '丙妹镇',
        beds: 120,
        creditCode: code,
        headName: '吴院长',
        phone: '0855-1234567',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: '从江县中心敬老院',
        type: 'elderly_care',
        regionCode: '522633',
        address: '丙妹镇',
        beds: 120,
        creditCode: code,
        headName: '吴院长',
        phone: '085****4567',
        active: true,
      });
      const events = await f.db.query(`SELECT action, region_code FROM audit_events WHERE entity = 'institution' AND entity_id = $1`, [
        res.body.id,
      ]);
      expect(events.rows).toEqual([{ action: 'institution.create', region_code: '522633' }]);
    });

    it.each([
      [{ name: 'x', type: 'hotel', regionCode: '522633' }, 'type'],
      [{ name: '', type: 'funeral', regionCode: '522633' }, 'name'],
      [{ name: 'x', type: 'funeral', regionCode: '52263' }, 'regionCode'],
      [{ name: 'x', type: 'funeral', regionCode: '522633', beds: -1 }, 'beds'],
      [{ name: 'x', type: 'funeral', regionCode: '522633', beds: '10' }, 'beds'],
      [{ name: 'x', type: 'funeral', regionCode: '522633', creditCode: '91350100M000100Y44' }, 'creditCode'],
      [{ name: 'x', type: 'funeral', regionCode: '522633', owner: 'me' }, 'owner'],
    ])('rejects %j naming %s', async (body, field) => {
      const before = await f.count('institutions');
      const res = await request(t.http).post('/api/v1/institutions').set(auth(w.admin.token)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await f.count('institutions')).toBe(before);
    });

    it('answers 400 for an unknown region and 403 for a region outside the bureau', async () => {
      const unknown = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.admin.token))
        .send({ name: 'x', type: 'funeral', regionCode: '999999' });
      expect(unknown.status).toBe(400);
      const outside = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.bureauCj.token))
        .send({ name: 'x', type: 'funeral', regionCode: '522631' });
      expect(outside.status).toBe(403);
    });

    it('refuses a credit code that is taken with 409', async () => {
      const code = creditCode(2);
      const first = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.admin.token))
        .send({ name: 'a', type: 'funeral', regionCode: '522633', creditCode: code });
      expect(first.status).toBe(201);
      const again = await request(t.http)
        .post('/api/v1/institutions')
        .set(auth(w.admin.token))
        .send({ name: 'b', type: 'funeral', regionCode: '522631', creditCode: code });
      expect(again.status).toBe(409);
      const patch = await request(t.http).patch(`/api/v1/institutions/${w.instLp.id}`).set(auth(w.admin.token)).send({ creditCode: code });
      expect(patch.status).toBe(409);
    });

    it('lets a bureau move an institution only within its subtree', async () => {
      const inst = await f.institution({ regionCode: '522633' });
      const within = await request(t.http)
        .patch(`/api/v1/institutions/${inst.id}`)
        .set(auth(w.bureauQdn.token))
        .send({ regionCode: '522631', active: false });
      expect(within.status).toBe(200);
      expect(within.body).toMatchObject({ regionCode: '522631', active: false });
      const away = await request(t.http)
        .patch(`/api/v1/institutions/${inst.id}`)
        .set(auth(w.bureauQdn.token))
        .send({ regionCode: '513336' });
      expect(away.status).toBe(403);
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      expect((await request(t.http).get('/api/v1/institutions/not-a-uuid').set(auth(w.admin.token))).status).toBe(400);
      expect((await request(t.http).get('/api/v1/institutions/00000000-0000-4000-8000-000000000000').set(auth(w.admin.token))).status).toBe(
        404,
      );
    });

    it('filters by region subtree, type and name, and pages', async () => {
      const res = await request(t.http)
        .get('/api/v1/institutions?regionCode=522600&type=community_elderly&q=黎平')
        .set(auth(w.admin.token));
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([w.instLp.id]);
      const page = await request(t.http).get('/api/v1/institutions?page=1&pageSize=1').set(auth(w.admin.token));
      expect(page.body.items).toHaveLength(1);
      expect(page.body.pageSize).toBe(1);
      expect(page.body.total).toBe(await f.count('institutions'));
      expect((await request(t.http).get('/api/v1/institutions?pageSize=501').set(auth(w.admin.token))).status).toBe(400);
      expect((await request(t.http).get('/api/v1/institutions?q=%25').set(auth(w.admin.token))).status).toBe(200);
    });
  });

  describe('CSV import', () => {
    it('reads BOM, CRLF, quoted commas, empty lines and Chinese type names, reporting bad rows by line', async () => {
      const csv =
        '\uFEFF' +
        [
          HEADER,
          '"从江县第一敬老院, 东区",elderly_care,522633,"丙妹镇, 大塘村",80,,吴一,0855-1',
          '',
          '黎平县儿童福利院,儿童福利机构,522631,,30,,,',
          ',elderly_care,522633,,,,,',
          '坏类型院,hotel,522633,,,,,',
          '坏区划院,elderly_care,999999,,,,,',
          '坏床位院,elderly_care,522633,,-3,,,',
          '坏代码院,elderly_care,522633,,,91350100M000100Y44,,',
          '越界院,elderly_care,513336,,,,,',
          '"多行地址院",elderly_care,522633,"第一行',
          '第二行",,,,',
        ].join('\r\n') +
        '\r\n';
      const before = await f.count('institutions');
      const res = await upload(w.bureauQdn.token, csv);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        created: 3,
        updated: 0,
        failed: [
          { line: 5, message: '机构名称不能为空' },
          { line: 6, message: '机构类型无效：hotel' },
          { line: 7, message: '行政区划代码不存在：999999' },
          { line: 8, message: '床位数必须是 0 到 100000 之间的整数：-3' },
          { line: 9, message: '统一社会信用代码校验失败：91350100M000100Y44' },
          { line: 10, message: '行政区划不在您的管辖范围内：513336' },
        ],
      });
      expect(await f.count('institutions')).toBe(before + 3);
      const { rows } = await f.db.query(
        `SELECT name, type, region_code, address, beds FROM institutions WHERE name IN ('从江县第一敬老院, 东区', '黎平县儿童福利院', '多行地址院') ORDER BY name`,
      );
      expect(rows).toEqual([
        { name: '从江县第一敬老院, 东区', type: 'elderly_care', region_code: '522633', address: '丙妹镇, 大塘村', beds: 80 },
        { name: '多行地址院', type: 'elderly_care', region_code: '522633', address: '第一行\r\n第二行', beds: null },
        { name: '黎平县儿童福利院', type: 'child_welfare', region_code: '522631', address: null, beds: 30 },
      ]);
    });

    it('reports a row with a NUL character as failed and keeps the others', async () => {
      const res = await upload(w.admin.token, `${HEADER}\n空字符\u0000院,elderly_care,522633,,,,,\n正常院,elderly_care,522633,,,,,\n`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ created: 1, updated: 0, failed: [{ line: 2, message: '包含非法的空字符（NUL）' }] });
    });

    it('upserts by credit code: a second import updates, a repeated code in one file updates the first row', async () => {
      const a = creditCode(100);
      const b = creditCode(101);
      const first = await upload(
        w.admin.token,
        `${HEADER}\nA院,elderly_care,522633,,10,${a},,\nB院,funeral,522631,,,${b},,\nB院改名,funeral,522631,,,${b},,\n`,
      );
      expect(first.body).toEqual({ created: 2, updated: 1, failed: [] });
      const second = await upload(w.admin.token, `${HEADER}\nA院新名,elderly_care,522633,,20,${a.toLowerCase()},,\n`);
      expect(second.body).toEqual({ created: 0, updated: 1, failed: [] });
      const { rows } = await f.db.query(
        'SELECT name, beds, credit_code FROM institutions WHERE credit_code = ANY($1) ORDER BY credit_code',
        [[a, b]],
      );
      expect(rows).toEqual([
        { name: 'A院新名', beds: 20, credit_code: a },
        { name: 'B院改名', beds: null, credit_code: b },
      ]);
    });

    it('does not let a bureau update, by credit code, an institution outside its scope', async () => {
      const code = creditCode(200);
      await f.institution({ regionCode: '513336', name: '甘孜原名', creditCode: code });
      const res = await upload(w.bureauQdn.token, `${HEADER}\n冒名院,elderly_care,522633,,,${code},,\n`);
      expect(res.body).toEqual({
        created: 0,
        updated: 0,
        failed: [{ line: 2, message: `统一社会信用代码已被管辖范围外的机构使用：${code}` }],
      });
      const { rows } = await f.db.query('SELECT name, region_code FROM institutions WHERE credit_code = $1', [code]);
      expect(rows).toEqual([{ name: '甘孜原名', region_code: '513336' }]);
    });

    it('refuses a wrong header with 400 naming the missing column, and changes nothing', async () => {
      const before = await f.count('institutions');
      const head = await f.auditHead();
      const res = await upload(w.admin.token, 'name,type,address,beds,creditCode,headName,phone\nx,elderly_care,,,,,\n');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body.detail).toContain('regionCode');
      const unknown = await upload(w.admin.token, `${HEADER},color\n`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toContain('color');
      const empty = await upload(w.admin.token, '');
      expect(empty.status).toBe(400);
      expect(await f.count('institutions')).toBe(before);
      expect(await f.auditHead()).toEqual(head);
    });

    it('answers 400 to a file that is not a readable CSV (a broken quote), and keeps nothing', async () => {
      const before = await f.count('institutions');
      const res = await upload(w.admin.token, `${HEADER}\n"未闭合,elderly_care,522633,,,,,\n好院,elderly_care,522633,,,,,\n`);
      expect(res.status).toBe(400);
      expect(res.body.detail).toContain('not a readable CSV');
      const quote = await upload(w.admin.token, `a"b,type\n`);
      expect(quote.status).toBe(400);
      expect(await f.count('institutions')).toBe(before);
    });

    it('answers 415 to a body that is not multipart and 400 to a form without the file field', async () => {
      const json = await request(t.http).post('/api/v1/institutions/import').set(auth(w.admin.token)).send({ file: 'x' });
      expect(json.status).toBe(415);
      const noFile = await request(t.http).post('/api/v1/institutions/import').set(auth(w.admin.token)).field('other', 'x');
      expect(noFile.status).toBe(400);
      expect(noFile.body.detail).toContain('"file"');
    });

    it('answers 413 to a file over UPLOAD_MAX_BYTES and keeps none of its rows', async () => {
      const before = await f.count('institutions');
      const row = '超大文件养老院,elderly_care,522633,这是一条很长的地址用于填充文件大小,,,,\n';
      const csv = HEADER + '\n' + row.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(row)));
      const res = await upload(w.admin.token, csv);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(await f.count('institutions')).toBe(before);
    });

    it('imports 10,000 rows in one upload', async () => {
      const lines = [HEADER];
      for (let i = 0; i < 10_000; i++) {
        const region = i % 2 === 0 ? '522633' : '522631';
        const code = i % 3 === 0 ? '' : creditCode(10_000 + i);
        lines.push(
          `批量养老院${i},${i % 5 === 0 ? '社区养老服务设施' : 'elderly_care'},${region},地址${i},${i % 200},${code},负责人${i},1380000${String(i).padStart(4, '0')}`,
        );
      }
      const before = await f.count('institutions');
      const started = Date.now();
      const res = await upload(w.bureauQdn.token, lines.join('\n'));
      const ms = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ created: 10_000, updated: 0, failed: [] });
      expect(await f.count('institutions')).toBe(before + 10_000);
      const { rows } = await f.db.query(
        `SELECT count(*)::int AS n FROM institutions WHERE name LIKE '批量养老院%' AND type = 'community_elderly'`,
      );
      expect(rows[0].n).toBe(2_000);
      process.stdout.write(`[import] 10,000 CSV rows in ${ms} ms\n`);
    }, 60_000);
  });
});
