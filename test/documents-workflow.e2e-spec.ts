import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addDays, todayIn } from '../src/common/dates.js';
import { Factories, findingIn, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { binary, pdfText } from './helpers/pdf.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * After the notice: the recheck opinion (only once every finding is closed or
 * overdue), the 挂牌督办 notice (major findings only), serving, revoking, the
 * region's issuer settings, and the audit trail of each step. Without
 * PUBLIC_BASE_URL the documents carry no QR and say so.
 */
describe('document workflow', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let year: number;
  let today: string;
  const auth = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });
  const post = (u: FixtureUser, path: string, body: object = {}) => request(t.http).post(`/api/v1${path}`).set(auth(u)).send(body);
  const pdfOf = async (u: FixtureUser, id: string) =>
    pdfText(
      (await request(t.http).get(`/api/v1/documents/${id}/file`).set(auth(u)).buffer(true).parse(binary).expect(200)).body as Buffer,
    ).text.replace(/\s+/g, '');

  /** A submitted inspection of 从江县社会福利院 with findings written in the given states. */
  async function inspectionWith(findings: Parameters<typeof findingIn>[1][]): Promise<{ id: string; findingIds: string[] }> {
    const { rows } = await f.db.query<{ id: string }>(
      `INSERT INTO rounds (name, kind, region_code, starts_on, ends_on, institution_types, templates, status)
       VALUES ('督查', 'supervisory', '522633', '2026-06-01', '2026-12-31', '{elderly_care}',
         '{"elderly_care":"elderly-care-safety"}', 'open') RETURNING id`,
    );
    const inspection = await f.db.query<{ id: string }>(
      `INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind, status, submitted_at)
       SELECT $1, $2, '522633', id, version, 'supervisory', 'submitted', now() FROM templates ORDER BY version LIMIT 1 RETURNING id`,
      [rows[0].id, w.instCj.id],
    );
    const id = inspection.rows[0].id;
    const findingIds: string[] = [];
    for (const fields of findings) {
      const findingId = await findingIn(f, fields);
      await f.db.query('UPDATE findings SET inspection_id = $1 WHERE id = $2', [id, findingId]);
      findingIds.push(findingId);
    }
    return { id, findingIds };
  }

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    today = todayIn('Asia/Shanghai');
    year = Number(today.slice(0, 4));
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('uses and keeps a region’s issuer settings, validated', async () => {
    const defaults = await request(t.http).get('/api/v1/regions/522633/document-settings').set(auth(w.inspectorCj)).expect(200);
    expect(defaults.body).toEqual({
      regionCode: '522633',
      issuerName: '从江县民政局',
      prefixes: { rectification_notice: '从民安整', recheck_opinion: '从民安复', supervision_notice: '从民安督' },
    });
    const good = {
      issuerName: '黎平县民政局',
      prefixes: { rectification_notice: '黎民整', recheck_opinion: '黎民复', supervision_notice: '黎民督' },
    };
    const put = (u: FixtureUser, body: object, code = '522631') =>
      request(t.http).put(`/api/v1/regions/${code}/document-settings`).set(auth(u)).send(body);
    const before = await f.auditHead();
    const bad: [object, string][] = [
      [{ issuerName: '', prefixes: good.prefixes }, 'issuerName'],
      [{ issuerName: '黎平县民政局' }, 'prefixes'],
      [{ ...good, prefixes: { ...good.prefixes, recheck_opinion: '黎〔民〕复' } }, 'prefixes.recheck_opinion'],
      [{ ...good, prefixes: { ...good.prefixes, supervision_notice: undefined } }, 'prefixes.supervision_notice'],
      [{ ...good, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of bad) {
      const res = await put(w.bureauQdn, body);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
    }
    expect((await put(w.bureauGz, good)).status).toBe(404);
    expect((await put(w.inspectorCj, good, '522633')).status).toBe(403);
    expect((await put(w.bureauQdn, good, '12345')).status).toBe(400);
    expect(await f.auditHead()).toEqual(before);
    expect((await put(w.bureauQdn, good)).body).toEqual({ regionCode: '522631', ...good });
    expect((await request(t.http).get('/api/v1/regions/522631/document-settings').set(auth(w.bureauQdn)).expect(200)).body).toEqual({
      regionCode: '522631',
      ...good,
    });
  });

  it('issues a recheck opinion only once every finding is closed or overdue, and never by who rectified', async () => {
    const { id, findingIds } = await inspectionWith([
      { institutionId: w.instCj.id, regionCode: '522633', deadline: addDays(today, 5) },
      { institutionId: w.instCj.id, regionCode: '522633', deadline: addDays(today, 9) },
    ]);
    const notice = await post(w.inspectorCj, `/inspections/${id}/notices`).expect(201);
    expect(notice.body.number).toBe(`从民安整〔${year}〕1号`);
    expect((await post(w.bureauCj, `/documents/${notice.body.id}/recheck`)).status).toBe(409);
    // one closed (rectified by the 从江 bureau), one overdue
    await f.db.query(`UPDATE findings SET status = 'pending_verification', rectification = $2 WHERE id = $1`, [
      findingIds[0],
      JSON.stringify({ note: '已整改', by: w.bureauCj.id }),
    ]);
    await f.db.query(`UPDATE findings SET status = 'closed', closed_at = now() WHERE id = $1`, [findingIds[0]]);
    await f.db.query('UPDATE findings SET overdue = true, overdue_since = $2 WHERE id = $1', [findingIds[1], today]);
    expect((await post(w.bureauCj, `/documents/${notice.body.id}/recheck`)).status).toBe(403);
    expect((await post(w.headCj, `/documents/${notice.body.id}/recheck`)).status).toBe(403);
    expect((await post(w.inspectorXc, `/documents/${notice.body.id}/recheck`)).status).toBe(404);
    const recheck = await post(w.inspectorCj, `/documents/${notice.body.id}/recheck`).expect(201);
    expect(recheck.body).toMatchObject({
      kind: 'recheck_opinion',
      number: `从民安复〔${year}〕1号`,
      refersTo: notice.body.id,
      inspectionId: id,
    });
    const text = await pdfOf(w.bureauCj, recheck.body.id);
    for (const fact of ['整改复查意见书', notice.body.number, '已整改销号', '未按期整改', '从江县民政局', '本系统未配置公开访问地址'])
      expect(text).toContain(fact);
    const again = await post(w.inspectorCj, `/documents/${notice.body.id}/recheck`);
    expect([again.status, again.body.detail]).toEqual([409, expect.stringContaining(recheck.body.number)]);
    expect((await post(w.inspectorCj, `/documents/${recheck.body.id}/recheck`)).status).toBe(409);
  });

  it('puts a major finding under listed supervision, and refuses a general one', async () => {
    const general = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', deadline: addDays(today, 10) });
    const major = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', severity: 'major', deadline: addDays(today, 30) });
    expect((await post(w.bureauCj, `/findings/${general}/supervision`)).status).toBe(409);
    expect((await post(w.inspectorCj, `/findings/${major}/supervision`)).status).toBe(403);
    expect((await post(w.bureauGz, `/findings/${major}/supervision`)).status).toBe(404);
    const res = await post(w.bureauCj, `/findings/${major}/supervision`).expect(201);
    expect(res.body).toMatchObject({
      kind: 'supervision_notice',
      number: `从民安督〔${year}〕1号`,
      findingIds: [major],
      inspectionId: null,
    });
    const text = await pdfOf(w.headCj, res.body.id);
    const [y, m, d] = addDays(today, 30).split('-').map(Number);
    for (const fact of [
      '重大事故隐患挂牌督办通知书',
      res.body.number,
      `于${y}年${m}月${d}日前将该事故隐患治理完毕`,
      '治理方案',
      '销号',
      '送达回执',
    ])
      expect(text).toContain(fact);
    expect((await post(w.bureauCj, `/findings/${major}/supervision`)).status).toBe(409);
  });

  it('serves and revokes with validation, audits issue, serve and revoke, and the verify page says 已作废', async () => {
    const { id } = await inspectionWith([{ institutionId: w.instCj.id, regionCode: '522633', deadline: addDays(today, 5) }]);
    const doc = (await post(w.bureauCj, `/inspections/${id}/notices`).expect(201)).body;
    expect(doc.verifyUrl).toMatch(/^\/verify\/[A-Za-z0-9_-]{22}$/);
    const before = await f.auditHead();
    const bad: [object, string][] = [
      [{ receivedOn: today, method: 'in_person' }, 'receivedBy'],
      [{ receivedBy: '王院长', receivedOn: addDays(today, 1), method: 'in_person' }, 'receivedOn'],
      [{ receivedBy: '王院长', receivedOn: addDays(today, -1), method: 'in_person' }, 'receivedOn'],
      [{ receivedBy: '王院长', receivedOn: today, method: 'pigeon' }, 'method'],
      [{ receivedBy: 'x'.repeat(101), receivedOn: today, method: 'post' }, 'receivedBy'],
    ];
    for (const [body, field] of bad) {
      const res = await post(w.bureauCj, `/documents/${doc.id}/serve`, body);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
    }
    expect((await post(w.bureauCj, `/documents/${doc.id}/revoke`, {})).status).toBe(400);
    expect((await post(w.inspectorCj, `/documents/${doc.id}/revoke`, { reason: '文号错误' })).status).toBe(403);
    expect(await f.auditHead()).toEqual(before);
    const served = await post(w.inspectorCj, `/documents/${doc.id}/serve`, {
      receivedBy: '王院长',
      receivedOn: today,
      method: 'in_person',
    }).expect(200);
    expect(served.body).toMatchObject({ status: 'served', receivedBy: '王院长', receivedOn: today, serveMethod: 'in_person' });
    expect(served.body.servedAt).not.toBeNull();
    expect(
      (await post(w.inspectorCj, `/documents/${doc.id}/serve`, { receivedBy: '王院长', receivedOn: today, method: 'in_person' })).status,
    ).toBe(409);
    const revoked = await post(w.bureauCj, `/documents/${doc.id}/revoke`, { reason: '文号错误，重新签发' }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedReason: '文号错误，重新签发' });
    expect((await post(w.bureauCj, `/documents/${doc.id}/revoke`, { reason: '再次' })).status).toBe(409);
    const page = await request(t.http).get(doc.verifyUrl).expect(200);
    expect(page.text).toContain('已作废');
    const json = await request(t.http).get(doc.verifyUrl).set('Accept', 'application/json').expect(200);
    expect(json.body).toMatchObject({ number: doc.number, status: 'revoked' });
    // a revoked notice no longer blocks a new one, which takes the next number
    expect((await post(w.bureauCj, `/inspections/${id}/notices`).expect(201)).body.number).toBe(`从民安整〔${year}〕3号`);
    const audit = await f.db.query(`SELECT action FROM audit_events WHERE entity = 'document' AND entity_id = $1 ORDER BY id`, [doc.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['document.issue', 'document.serve', 'document.revoke']);
  });
});
