import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { todayIn } from '../src/common/dates.js';
import { cnDate } from '../src/documents/renderers/document-layout.js';
import { cjMiniInspection } from './factories/field.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { docxText, libreOfficePdf, pdfQrCodes, decodeQr } from './helpers/documents.js';
import { PNG_1PX } from './helpers/files.js';
import { binary, pdfText } from './helpers/pdf.js';
import { freeLowPort } from './helpers/processes.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** Official documents: a notice's facts in both formats, its QR to the public verify page, numbering, and every refusal. */
describe('official documents', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let base: string;
  let year: number;
  const auth = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });
  const post = (u: FixtureUser, path: string, body: object = {}) => request(t.http).post(`/api/v1${path}`).set(auth(u)).send(body);
  const file = (u: FixtureUser, id: string, format: string) =>
    request(t.http).get(`/api/v1/documents/${id}/file?format=${format}`).set(auth(u)).buffer(true).parse(binary);

  /** A submitted 从江 inspection on the mini checklist: A01 (major) and A02, B02 failed; B01 passed. */
  async function submitted(
    name: string,
    fail = true,
  ): Promise<{ id: string; findings: { id: string; title: string; deadline: string; severity: string }[] }> {
    const { id } = await cjMiniInspection(t, w, name, { endsOn: '2026-12-31' });
    const photo = await request(t.http)
      .post('/api/v1/attachments')
      .set(auth(w.inspectorCj))
      .attach('file', Buffer.concat([PNG_1PX, Buffer.from(name)]), 'p.png');
    const answers = [
      { itemCode: 'A01', result: fail ? 'fail' : 'pass', note: '三楼东侧通道堆放杂物', attachmentIds: [photo.body.id] },
      { itemCode: 'A02', result: fail ? 'fail' : 'pass' },
      { itemCode: 'B01', result: 'pass', value: 2 },
      { itemCode: 'B02', result: fail ? 'fail' : 'pass', value: '夜班记录缺页' },
    ];
    await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers }).expect(200);
    await post(w.inspectorCj, `/inspections/${id}/submit`).expect(200);
    const findings = await request(t.http).get(`/api/v1/findings?inspectionId=${id}`).set(auth(w.bureauCj)).expect(200);
    return { id, findings: findings.body.items };
  }

  beforeAll(async () => {
    const port = await freeLowPort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ port, env: { PUBLIC_BASE_URL: base } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    await post(w.admin, '/templates', MINI_TEMPLATE).expect(201);
    year = Number(todayIn('Asia/Shanghai').slice(0, 4));
  }, 60_000);

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('issues a rectification notice whose PDF and Word carry the facts, and whose QR opens the verify page', async () => {
    const inspection = await submitted('文书检查一');
    expect(inspection.findings).toHaveLength(3);
    const res = await post(w.inspectorCj, `/inspections/${inspection.id}/notices`);
    expect(res.status).toBe(201);
    const doc = res.body;
    expect(doc).toMatchObject({
      kind: 'rectification_notice',
      number: `从民安整〔${year}〕1号`,
      regionCode: '522633',
      issuerName: '从江县民政局',
      institutionId: w.instCj.id,
      inspectionId: inspection.id,
      issuedBy: w.inspectorCj.id,
      status: 'issued',
      servedAt: null,
      receivedBy: null,
      revokedReason: null,
    });
    expect([...doc.findingIds].sort()).toEqual(inspection.findings.map((x) => x.id).sort());
    expect(doc.verifyUrl).toMatch(new RegExp(`^${base}/verify/[A-Za-z0-9_-]{22}$`));

    const pdf = await file(w.inspectorCj, doc.id, 'pdf');
    expect([pdf.status, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
    expect(
      createHash('sha256')
        .update(pdf.body as Buffer)
        .digest('hex'),
    ).toBe(doc.sha256);
    const { text, pages } = pdfText(pdf.body as Buffer);
    const flat = text.replace(/\s+/g, '');
    expect(pages).toBe(2);
    const facts = [
      '责令限期整改通知书',
      doc.number,
      '从江县民政局',
      '从江县社会福利院',
      '行政复议',
      '行政诉讼',
      '盖章',
      '送达回执',
      '执法证号',
      '被检查单位负责人',
    ];
    for (const fact of facts) expect(flat).toContain(fact.replace(/\s+/g, ''));
    for (const finding of inspection.findings) {
      expect(flat).toContain(finding.title);
      expect(flat).toContain(`于${cnDate(finding.deadline)}前整改完毕`);
    }
    expect(flat).toContain('依据：《养老机构重大事故隐患判定标准》');

    const word = await file(w.inspectorCj, doc.id, 'docx');
    expect([word.status, word.headers['content-type']]).toEqual([
      200,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]);
    const docx = await docxText(word.body as Buffer);
    for (const fact of facts) expect(docx.text).toContain(fact);
    for (const finding of inspection.findings) {
      expect(docx.text).toContain(finding.title);
      expect(docx.text).toContain(`于${cnDate(finding.deadline)}前整改完毕`);
    }
    expect(docx.media.map(decodeQr)).toEqual([doc.verifyUrl]);
    const converted = pdfText(libreOfficePdf(word.body as Buffer));
    expect(converted.pages).toBeGreaterThanOrEqual(2);
    expect(converted.text.replace(/\s+/g, '')).toContain(doc.number);

    // the PDF's QR → the public page, without a token
    expect(pdfQrCodes(pdf.body as Buffer)).toEqual([doc.verifyUrl]);
    const verified = await fetch(doc.verifyUrl, { headers: { Accept: 'application/json' } });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({
      kind: 'rectification_notice',
      number: doc.number,
      issuerName: '从江县民政局',
      issuedAt: doc.issuedAt,
      status: 'issued',
      sha256: doc.sha256,
    });
    const html = await (await fetch(doc.verifyUrl)).text();
    expect(html).toContain('文书核验通过');
    expect(html).toContain(doc.number);
    for (const personal of ['从江县社会福利院', inspection.findings[0].title, w.inspectorCj.username]) expect(html).not.toContain(personal);
    const unknown = await fetch(`${base}/verify/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { Accept: 'text/html' } });
    expect([unknown.status, await unknown.text()]).toEqual([404, expect.stringContaining('未找到该文书')]);
    expect((await fetch(`${base}/verify/AAAAAAAAAAAAAAAAAAAAAA`)).headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${base}/verify/short`, { headers: { Accept: 'application/json' } })).status).toBe(404);

    // a second notice for the inspection names the first
    const again = await post(w.bureauCj, `/inspections/${inspection.id}/notices`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(doc.number);

    // the head sees the notice of their institution, the other head does not
    const mine = await request(t.http).get(`/api/v1/documents?institutionId=${w.instCj.id}`).set(auth(w.headCj)).expect(200);
    expect(mine.body.items.map((d: { id: string }) => d.id)).toContain(doc.id);
    expect((await request(t.http).get('/api/v1/documents').set(auth(w.headXc)).expect(200)).body.total).toBe(0);
    expect((await request(t.http).get(`/api/v1/documents/${doc.id}`).set(auth(w.headXc))).status).toBe(404);
    expect((await file(w.inspectorXc, doc.id, 'pdf')).status).toBe(404);
    expect((await file(w.headCj, doc.id, 'xls')).status).toBe(400);
  }, 180_000);

  it('refuses a notice for an inspection not submitted, without open findings, out of scope or by a head', async () => {
    const clean = await submitted('文书检查-全部合格', false);
    const open = await cjMiniInspection(t, w, '文书检查-未提交', { endsOn: '2026-12-31' });
    const other = await submitted('文书检查-越权');
    const before = await f.auditHead();
    expect((await post(w.bureauCj, `/inspections/${clean.id}/notices`)).status).toBe(409);
    expect((await post(w.bureauCj, `/inspections/${open.id}/notices`)).status).toBe(409);
    expect((await post(w.inspectorXc, `/inspections/${other.id}/notices`)).status).toBe(404);
    expect((await post(w.headCj, `/inspections/${other.id}/notices`)).status).toBe(403);
    expect((await post(w.bureauCj, '/inspections/not-a-uuid/notices')).status).toBe(400);
    expect(await f.auditHead()).toEqual(before);
    expect(await f.count('documents')).toBe(1);
  }, 60_000);

  it('gives a number back when the issuing transaction rolls back: no gap', async () => {
    const failing = await submitted('文书检查-回滚');
    await f.db.query(`CREATE FUNCTION fail_document() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`);
    await f.db.query(
      `CREATE TRIGGER fail_document BEFORE INSERT ON documents FOR EACH ROW
       WHEN (NEW.inspection_id = '${failing.id}') EXECUTE FUNCTION fail_document()`,
    );
    expect((await post(w.bureauCj, `/inspections/${failing.id}/notices`)).status).toBe(500);
    await f.db.query('DROP TRIGGER fail_document ON documents; DROP FUNCTION fail_document()');
    const next = await submitted('文书检查-回滚后');
    const issued = await post(w.bureauCj, `/inspections/${next.id}/notices`).expect(201);
    expect(issued.body.number).toBe(`从民安整〔${year}〕2号`);
    expect((await post(w.bureauCj, `/inspections/${failing.id}/notices`).expect(201)).body.number).toBe(`从民安整〔${year}〕3号`);
  }, 60_000);
});
