// The load generator, in its own process. One client per target inspection (so
// batches do not queue on one row lock), each on its own keep-alive connection
// with TCP_NODELAY.
//
// Without `rate` (closed loop): every client sends its next batch as soon as
// the last one is answered. This measures throughput; latency is then mostly
// queueing (clients ÷ throughput).
//
// With `rate` (open loop, as wrk2 does): the clients together offer `rate`
// batches a second, each client on a fixed schedule (rate / clients a second,
// from a random phase). A batch's latency runs from the moment it was due, not
// from when it was sent: a slow answer delays the client's next batch, and that
// wait counts (no coordinated omission).
//
// Percentiles are over every batch of every client. With `warmup`, the same
// load runs that many seconds first, unmeasured: the steady state is measured,
// not pools filling, statements being prepared and code being compiled.
// Prints one JSON line: req/s answered, total, p50/p99/max in ms, errors, non-2xx.
//   node bench/lib/load.mjs <file with json: { url, token?, targets: [{ path, body }], seconds, rate?, warmup? }>
import http from 'node:http';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const headers = { 'content-type': 'application/json', ...(config.token ? { authorization: `Bearer ${config.token}` } : {}) };
const clients = config.targets.map((target) => ({
  url: config.url + target.path,
  agent: new http.Agent({ keepAlive: true, maxSockets: 1, noDelay: true }),
  body: Buffer.from(target.body),
}));

/** One batch; resolves with the status code (0: the request failed). */
function send(client) {
  return new Promise((resolve) => {
    const request = http.request(
      client.url,
      { method: 'PUT', agent: client.agent, headers: { ...headers, 'content-length': client.body.length } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    // a stuck answer is an error (and fails the run), not a load generator waiting forever
    request.setTimeout(30_000, () => request.destroy(new Error('no answer in 30 s')));
    request.end(client.body);
  });
}

async function run(seconds) {
  const period = config.rate ? (1000 * clients.length) / config.rate : 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const latencies = [];
  let errors = 0;
  let non2xx = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (let due = started + Math.random() * period; due < end; due = period ? due + period : performance.now()) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const status = await send(client);
        latencies.push(performance.now() - due);
        if (status === 0) errors++;
        else if (status < 200 || status > 299) non2xx++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  // nearest rank: the smallest latency with at least q of all at or below it
  const at = (q) => (latencies.length === 0 ? NaN : Math.round(latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] * 10) / 10);
  return { rps: latencies.length / elapsed, total: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1), errors, non2xx };
}

if (config.warmup) await run(config.warmup);
const result = await run(config.seconds);
for (const client of clients) client.agent.destroy();
process.stdout.write(JSON.stringify(result) + '\n');
