#!/usr/bin/env node
// Recomputes a published draw (GET /api/v1/rounds/:id/draw/export) with the same pure
// code the service runs (src/draws/draw-verify.ts, built into dist/), and prints `ok`
// or the first difference. Exit code 0 when the draw checks out, 1 otherwise.
// Usage: npm run draw:verify -- draw.json   (or: node scripts/draw-verify.mjs draw.json)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { verifyExport } = require('../dist/src/draws/draw-verify.js');

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run draw:verify -- draw.json');
  process.exit(1);
}
let json;
try {
  json = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`cannot read ${file}: ${error.message}`);
  process.exit(1);
}
const outcome = verifyExport(json);
if (outcome.ok) {
  console.log('ok');
  const { population, selected } = outcome.recomputed;
  console.log(`population ${population.count} sha256 ${population.sha256}; ${selected.length} selected`);
  process.exit(0);
}
console.log(`DIFFERENT: ${outcome.difference}`);
process.exit(1);
