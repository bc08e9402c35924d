import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const HEADER =
  '类别编号,检查类别,检查项编号,检查内容,检查方式/典型隐患,依据,隐患等级,判定方式,不合格须拍照,整改期限（天）,整改期限（工作日）';

/** A zip whose one part declares (and would inflate to) `size` bytes of zeros, compressed to a few KB. */
function zipBomb(size: number): Buffer {
  const data = deflateRawSync(Buffer.alloc(size));
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}

describe('templates from spreadsheets', () => {
  let t: TestApp;
  let f: Factories;
  let bureau: { token: string };
  let inspector: { token: string };
  let dir: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const upload = (bytes: Buffer, filename: string, fields: Record<string, string>, dryRun = false, token = bureau.token) => {
    let req = request(t.http).post(`/api/v1/templates/import?dryRun=${dryRun}`).set(auth(token));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', bytes, filename);
  };
  const fields = (code: string) => ({ code, name: '导入测试检查表', institutionTypes: 'elderly_care,community_elderly' });
  const csv = (...rows: string[]) => Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`);
  const exists = async (code: string) => (await request(t.http).get(`/api/v1/templates/by-code/${code}`).set(auth(bureau.token))).status;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['520100', '贵阳市', '520000'],
      ['530000', '云南省', null],
    ]);
    bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    inspector = await f.user({ role: 'inspector', regionCode: '520000' });
    dir = await mkdtemp(join(tmpdir(), 'paicha-sheets-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await f.close();
    await t.close();
  });

  it('imports the sample: Chinese words, blanks as defaults, merged section cells, a formula read as its value', async () => {
    const sample = await readFile('templates/sample-import.xlsx');
    const dry = await upload(sample, 'sample-import.xlsx', fields('sample-check'), true);
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ template: null, created: false, errors: [], items: 5, version: 1 });
    expect(await exists('sample-check')).toBe(404);

    const res = await upload(sample, 'sample-import.xlsx', fields('sample-check'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: true, errors: [], items: 5, version: 1 });
    const [a, b] = res.body.template.sections;
    expect([a.code, a.title, a.items.length, b.code, b.title, b.items.length]).toEqual(['A', '消防安全', 3, 'B', '食品安全', 2]);
    expect(a.items[0]).toMatchObject({ code: 'A01', severity: 'major', responseType: 'pass_fail', requiresPhotoOnFail: true });
    expect(a.items[1]).toMatchObject({ severity: 'general', responseType: 'pass_fail', requiresPhotoOnFail: false, deadlineDays: 7 });
    expect(a.items[2]).toMatchObject({ responseType: 'yes_no', requiresPhotoOnFail: false, deadlineWorkdays: 5 });
    expect(a.items[2].deadlineDays).toBeUndefined();
    expect(b.items[0]).toMatchObject({ code: 'B01', responseType: 'number', deadlineDays: 15 });
    expect(b.items[1]).toMatchObject({ code: 'B02', responseType: 'text', requiresPhotoOnFail: false });

    const again = await upload(sample, 'sample-import.xlsx', fields('sample-check'));
    expect(again.body).toMatchObject({ created: false, version: 1, errors: [] });
    expect(again.body.template.id).toBe(res.body.template.id);
  });

  it('round-trips every built-in template through XLSX (and CSV) without a new version', async () => {
    const list = await request(t.http).get('/api/v1/templates?pageSize=100').set(auth(bureau.token));
    const builtins = list.body.items.filter((x: { code: string }) => x.code.endsWith('-safety'));
    expect(builtins.length).toBe(7);
    for (const template of builtins) {
      for (const format of ['xlsx', 'csv']) {
        const file = await request(t.http)
          .get(`/api/v1/templates/${template.id}/export?format=${format}`)
          .set(auth(bureau.token))
          .buffer(true)
          .parse((res, cb) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => cb(null, Buffer.concat(chunks)));
          });
        expect(file.status).toBe(200);
        const back = await upload(file.body as Buffer, `x.${format}`, {
          code: template.code,
          name: template.name,
          institutionTypes: template.institutionTypes.join(','),
        });
        expect([template.code, format, back.status, back.body.errors, back.body.created, back.body.template?.id]).toEqual([
          template.code,
          format,
          200,
          [],
          false,
          template.id,
        ]);
      }
    }
  });

  it('imports a file written by LibreOffice the same as the exceljs-written one', async () => {
    const list = await request(t.http).get('/api/v1/templates/by-code/elderly-care-safety').set(auth(bureau.token));
    const xlsx = await request(t.http)
      .get(`/api/v1/templates/${list.body.id}/export?format=xlsx`)
      .set(auth(bureau.token))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    await writeFile(join(dir, 'exceljs.xlsx'), xlsx.body as Buffer);
    const out = join(dir, 'lo');
    const profile = `-env:UserInstallation=file://${dir}/profile`;
    const args = [profile, '--headless', '--convert-to', 'xlsx', '--outdir', out, join(dir, 'exceljs.xlsx')];
    execFileSync('soffice', args, {
      timeout: 120_000,
      stdio: 'ignore',
    });
    const written = await readFile(join(out, 'exceljs.xlsx'));
    expect(written.equals(xlsx.body as Buffer)).toBe(false);
    const loFields = { code: 'elderly-care-safety', name: list.body.name, institutionTypes: 'elderly_care' };
    const fromLo = await upload(written, 'lo.xlsx', loFields, true);
    expect(fromLo.body).toMatchObject({ errors: [], created: false, items: 70, version: list.body.version });
    expect(fromLo.body.template.id).toBe(list.body.id);
  }, 180_000);

  it('lists every bad row with its cell and creates nothing', async () => {
    const res = await upload(
      csv(
        'A,消防安全,A01,疏散通道是否畅通,,,重大,合格/不合格,是,,',
        ',,A01,重复编号,,,一般,,,,',
        ',,A03,,,,一般,,,,',
        ',,A04,隐患等级写错,,,严重,,,,',
        ',,A05,判定方式写错,,,,打分,,,',
        ',,A06,拍照写错,,,,,可能,,',
        ',,A07,期限冲突,,,,,,10,5',
        ',,A08,期限不是整数,,,,,,三天,',
      ),
      'bad.csv',
      fields('bad-rows'),
    );
    expect(res.status).toBe(200);
    expect(res.body.template).toBeNull();
    expect(res.body.created).toBe(false);
    const cells = res.body.errors.map((e: { cell: string }) => e.cell).sort();
    expect(cells).toEqual(['C3', 'D4', 'G5', 'H6', 'I7', 'J9', 'K8']);
    type RowError = { cell: string; message: string; row: number; column: string };
    const byCell = Object.fromEntries(res.body.errors.map((e: RowError) => [e.cell, e]));
    expect(byCell.C3).toMatchObject({ row: 3, column: 'C' });
    expect(byCell.C3.message).toContain('与第 2 行重复');
    expect(byCell.D4.message).toContain('检查内容不能为空');
    expect(byCell.G5.message).toContain('“严重”不是隐患等级');
    expect(byCell.H6.message).toContain('“打分”不是判定方式');
    expect(byCell.I7.message).toContain('“可能”无法识别');
    expect(byCell.K8.message).toContain('只能填写一项');
    expect(await exists('bad-rows')).toBe(404);
  });

  it('refuses what is not a spreadsheet (415), too large (413), a zip bomb (413), and bad headers (400 naming them)', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect((await upload(png, 'x.xlsx', fields('bad-file'))).status).toBe(415);
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    const old = await upload(xls, 'x.xls', fields('bad-file'));
    expect([old.status, old.body.type]).toEqual([415, 'urn:paicha:problem:template_sheet_unsupported']);
    expect(old.body.detail).toContain('.xlsx');
    const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 10, 0x41), 'big.csv', fields('bad-file'));
    expect(big.status).toBe(413);
    const bomb = zipBomb(200 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(300 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const boom = await upload(bomb, 'bomb.xlsx', fields('bad-file'));
    expect([boom.status, boom.body.type]).toEqual([413, 'urn:paicha:problem:template_sheet_too_large']);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    const missing = await upload(Buffer.from('类别编号,检查类别,检查项编号,检查内容\nA,消防,A01,x\n'), 'x.csv', fields('bad-file'));
    expect([missing.status, missing.body.type]).toEqual([400, 'urn:paicha:problem:template_sheet_header']);
    expect(missing.body.detail).toContain('检查方式/典型隐患');
    const unknown = await upload(Buffer.from(`${HEADER},备注\nA,消防,A01,x,,,,,,,,\n`), 'x.csv', fields('bad-file'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('备注');
    expect(unknown.body.detail).toContain('L1');
    const badType = await upload(csv('A,消防,A01,x,,,,,,,'), 'x.csv', { ...fields('bad-file'), institutionTypes: 'elderly_care,zoo' });
    expect([badType.status, badType.body.detail]).toEqual([400, expect.stringContaining('zoo')]);
    const badCode = await upload(csv('A,消防,A01,x,,,,,,,'), 'x.csv', { ...fields('bad-file'), code: 'Bad Code' });
    expect(badCode.status).toBe(400);
    const forbidden = await upload(csv('A,消防,A01,x,,,,,,,'), 'x.csv', fields('bad-file'), false, inspector.token);
    expect(forbidden.status).toBe(403);
    expect(await exists('bad-file')).toBe(404);
  });

  it('gives row errors past 1,000 items on a 10,000-row file and creates nothing', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `A,消防,I${i + 1},检查项 ${i + 1},,,,,,,`);
    const res = await upload(csv(...rows), 'many.csv', fields('too-many'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ template: null, created: false, items: 10_000, version: null });
    expect(res.body.errors).toHaveLength(501);
    expect(res.body.errors[0]).toMatchObject({ row: 1002, column: 'A', cell: 'A1002' });
    expect(res.body.errors[0].message).toContain('1000');
    expect(res.body.errors[500].message).toBe('另有 8500 处错误未列出');
    expect(await exists('too-many')).toBe(404);
  });

  it('a bureau owns what it imports: seen in its region subtree and by the admin, 404 elsewhere; its rounds may use it', async () => {
    const admin = await f.user({ role: 'admin' });
    const yunnan = await f.user({ role: 'bureau', regionCode: '530000' });
    const guiyang = await f.user({ role: 'inspector', regionCode: '520100' });
    const made = await upload(csv('A,消防,A01,疏散通道是否畅通,,,重大,,,,'), 'own.csv', {
      ...fields('guizhou-own'),
      institutionTypes: 'elderly_care',
    });
    expect([made.status, made.body.created, made.body.template.regionCode]).toEqual([200, true, '520000']);
    const id = made.body.template.id;
    const see = async (who: { token: string }) => [
      (await request(t.http).get(`/api/v1/templates/${id}`).set(auth(who.token))).status,
      (await request(t.http).get('/api/v1/templates/by-code/guizhou-own').set(auth(who.token))).status,
      (await request(t.http).get(`/api/v1/templates/${id}/export?format=csv`).set(auth(who.token))).status,
      (await request(t.http).get('/api/v1/templates?pageSize=100').set(auth(who.token))).body.items.some(
        (x: { code: string }) => x.code === 'guizhou-own',
      ),
    ];
    expect(await see(bureau)).toEqual([200, 200, 200, true]);
    expect(await see(admin)).toEqual([200, 200, 200, true]);
    expect(await see(inspector)).toEqual([200, 200, 200, true]);
    expect(await see(guiyang)).toEqual([200, 200, 200, true]);
    expect(await see(yunnan)).toEqual([404, 404, 404, false]);
    // the national templates stay visible to the other province
    expect((await request(t.http).get('/api/v1/templates/by-code/elderly-care-safety').set(auth(yunnan.token))).status).toBe(200);
    // the other province can neither version it by import nor by JSON
    const own = { ...fields('guizhou-own'), institutionTypes: 'elderly_care' };
    const steal = await upload(csv('A,消防,A01,改写,,,,,,,'), 'x.csv', own, false, yunnan.token);
    expect(steal.status).toBe(404);
    const json = await request(t.http)
      .post('/api/v1/templates/by-code/guizhou-own/versions')
      .set(auth(yunnan.token))
      .send({ name: 'x', institutionTypes: ['elderly_care'], sections: made.body.template.sections });
    expect(json.status).toBe(404);
    // an admin's template is national
    const nationalFields = { ...fields('admin-national'), institutionTypes: 'elderly_care' };
    const national = await upload(csv('A,消防,A01,x,,,,,,,'), 'n.csv', nationalFields, false, admin.token);
    expect(national.body.template.regionCode).toBeNull();
    expect((await request(t.http).get(`/api/v1/templates/${national.body.template.id}`).set(auth(yunnan.token))).status).toBe(200);
    // rounds: the owner's bureau may use it, the other province may not
    const round = (regionCode: string) => ({
      name: '2026年6月安全管理月督查',
      kind: 'supervisory',
      regionCode,
      startsOn: '2026-06-01',
      endsOn: '2026-06-30',
      institutionTypes: ['elderly_care'],
      templates: { elderly_care: 'guizhou-own' },
    });
    const ours = await request(t.http).post('/api/v1/rounds').set(auth(bureau.token)).send(round('520000'));
    expect(ours.status).toBe(201);
    const theirs = await request(t.http).post('/api/v1/rounds').set(auth(yunnan.token)).send(round('530000'));
    expect(theirs.status).toBe(400);
    expect(theirs.body.detail).toContain('guizhou-own does not exist');
  });

  it('diffs two versions: added, removed, changed fields', async () => {
    const v1Rows = csv('A,消防,A01,疏散通道是否畅通,,,重大,,,,', ',,A02,灭火器是否有效,,,,,,,', 'B,食品,B01,留样,,,,,,,');
    const v1 = await upload(v1Rows, 'v1.csv', fields('diff-check'));
    const v2Rows = csv(
      'A,消防,A01,疏散通道是否畅通,,,重大,,,,',
      ',,A02,灭火器是否在有效期内,,,重大,,,,',
      'C,用电,C01,电动车是否室内充电,,,,,,,',
    );
    const v2 = await upload(v2Rows, 'v2.csv', fields('diff-check'));
    expect([v1.body.version, v2.body.version, v2.body.created]).toEqual([1, 2, true]);
    const diffUrl = `/api/v1/templates/${v1.body.template.id}/diff?to=${v2.body.template.id}`;
    const diff = await request(t.http).get(diffUrl).set(auth(inspector.token));
    expect(diff.status).toBe(200);
    expect(diff.body.added.map((i: { code: string }) => i.code)).toEqual(['C01']);
    expect(diff.body.removed.map((i: { code: string }) => i.code)).toEqual(['B01']);
    expect(diff.body.changed).toEqual([{ code: 'A02', fields: ['text', 'severity', 'requiresPhotoOnFail'] }]);
    const bad = await request(t.http).get(`/api/v1/templates/${v1.body.template.id}/diff?to=nope`).set(auth(inspector.token));
    expect(bad.status).toBe(400);
  });
});
