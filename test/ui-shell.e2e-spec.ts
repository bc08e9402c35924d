import { describe, expect, it } from '@jest/globals';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { UI_LABELS } from '../src/common/labels.zh-CN.js';
import { createUiShell } from '../src/shell/ui-shell.js';

const serve = (uiDir: string) => {
  const app = express();
  app.use(createUiShell(uiDir).middleware);
  return app;
};

describe('the app shell the server computes at boot', () => {
  it('serves /sw.js uncached with every shell file and a content-hash version injected', async () => {
    const shell = createUiShell('ui');
    const res = await request(serve('ui')).get('/sw.js').expect(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const injected = JSON.parse(/const SHELL = (.*);/.exec(res.text)?.[1] ?? 'null');
    expect(injected).toEqual({ version: shell.version, urls: shell.urls });
    expect(shell.version).toMatch(/^[0-9a-f]{16}$/);
    expect(shell.urls).toEqual(
      expect.arrayContaining([
        '/index.html',
        '/app.js',
        '/labels.js',
        '/vendor/idb.js',
        '/manifest.webmanifest',
        '/icons/icon-192.png',
        '/sync/engine.js',
      ]),
    );
    expect(shell.urls).not.toContain('/sw.js');
  });

  it('changes the version when any file changes, and only then', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paicha-shell-'));
    cpSync('ui', dir, { recursive: true });
    const before = createUiShell(dir).version;
    expect(createUiShell(dir).version).toBe(before);
    appendFileSync(join(dir, 'screens', 'home.js'), '\n// changed\n');
    expect(createUiShell(dir).version).not.toBe(before);
  });

  it('serves the labels from the server’s zh-CN module and the vendored idb, revalidated by ETag', async () => {
    const app = serve('ui');
    const labels = await request(app).get('/labels.js').expect(200);
    expect(labels.headers['cache-control']).toBe('no-cache');
    const json = /export default ([\s\S]*);\s*$/.exec(labels.text)?.[1] ?? 'null';
    expect(JSON.parse(json)).toEqual(UI_LABELS);
    await request(app).get('/labels.js').set('If-None-Match', labels.headers.etag).expect(304);
    const idb = await request(app).get('/vendor/idb.js').expect(200);
    expect(idb.text).toContain('function openDB(');
    const page = await request(app).get('/app.js').expect(200);
    expect(page.headers['cache-control']).toBe('no-cache');
  });
});
