// The baseline of the answer-batch scenario: a bare node:http + pg server doing
// the same upsert SQL as the service (one statement for the batch, the version
// bump, one transaction) — without auth, validation, scope or audit.
//   node bench/lib/bare-answers-server.mjs <databaseUrl> <port>
import http from 'node:http';
import pg from 'pg';

const [databaseUrl, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
const server = http.createServer((req, res) => {
  const match = /^\/api\/v1\/inspections\/([0-9a-f-]{36})\/answers$/.exec(req.url ?? '');
  if (req.method !== 'PUT' || !match) return res.writeHead(404).end();
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', async () => {
    const client = await pool.connect();
    try {
      const { answers } = JSON.parse(raw);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO answers (inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at)
         SELECT $1, a.item_code, a.result, a.value, a.note, NULL, $2, now()
         FROM jsonb_to_recordset($3::jsonb) AS a(item_code text, result text, value jsonb, note text)
         ON CONFLICT (inspection_id, item_code) DO UPDATE SET result = EXCLUDED.result, value = EXCLUDED.value, note = EXCLUDED.note,
           answered_by = EXCLUDED.answered_by, answered_at = EXCLUDED.answered_at`,
        [
          match[1],
          '00000000-0000-0000-0000-000000000000',
          JSON.stringify(answers.map((a) => ({ item_code: a.itemCode, result: a.result, value: a.value ?? null, note: a.note ?? null }))),
        ],
      );
      const { rows } = await client.query('UPDATE inspections SET version = version + 1 WHERE id = $1 RETURNING version', [match[1]]);
      await client.query('COMMIT');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: match[1], version: rows[0]?.version }));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      res.writeHead(500).end(String(error));
    } finally {
      client.release();
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
