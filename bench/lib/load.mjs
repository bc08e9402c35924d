// The load generator, in its own process: autocannon PUTs answer batches, one
// connection per target inspection (so batches do not queue on one row lock).
// With `rate`, the connections together offer that many requests a second
// (each paced at rate / connections) instead of sending as fast as answers come.
// With `warmup`, the same load runs that many seconds first, unmeasured: the
// steady state is measured, not pools filling, statements being prepared and
// code being compiled.
// Prints one JSON line: total req/s, the worst per-connection p99, errors.
//   node bench/lib/load.mjs <file with json: { url, token?, targets: [{ path, body }], seconds, rate?, warmup? }>
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const headers = { 'content-type': 'application/json', ...(config.token ? { authorization: `Bearer ${config.token}` } : {}) };
const load = (duration) =>
  Promise.all(
    config.targets.map((target) =>
      autocannon({ url: config.url + target.path, method: 'PUT', headers, body: target.body, connections: 1, pipelining: 1, duration,
        ...(config.rate ? { connectionRate: config.rate / config.targets.length } : {}) }),
    ),
  );
if (config.warmup) await load(config.warmup);
const runs = await load(config.seconds);
const sum = (f) => runs.reduce((n, r) => n + f(r), 0);
process.stdout.write(
  JSON.stringify({
    rps: sum((r) => r.requests.average),
    total: sum((r) => r.requests.total),
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    timeouts: sum((r) => r.timeouts),
  }) + '\n',
);
