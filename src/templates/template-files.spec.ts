import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_TEMPLATES_DIR } from './templates.service.js';
import { readTemplateFiles } from './template-files.js';

const GOOD = `
code: demo-check
name: 演示检查表
institutionTypes: [elderly_care]
sections:
  - code: A
    title: 疏散通道
    items:
      - code: A01
        text: 疏散通道是否畅通
        severity: major
        basis: GB 35181-2017
        responseType: pass_fail
        requiresPhotoOnFail: true
        deadlineDays: 1
`;

describe('built-in template files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paicha-templates-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file', async () => {
    await writeFile(join(dir, 'demo.yaml'), GOOD);
    const files = await readTemplateFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0].template.code).toBe('demo-check');
    expect(files[0].template.sections[0].items[0]).toMatchObject({ code: 'A01', severity: 'major', deadlineDays: 1 });
  });

  it('names the file and the field of a schema error', async () => {
    await writeFile(join(dir, 'bad.yaml'), GOOD.replace('severity: major', 'severity: serious'));
    await expect(readTemplateFiles(dir)).rejects.toThrow(
      /bad\.yaml: sections\[0\]\.items\[0\]\.severity: severity must be one of the following values: general, major/,
    );
  });

  it('names an unknown field, a repeated item code and broken YAML', async () => {
    await writeFile(join(dir, 'a.yaml'), GOOD.replace('deadlineDays: 1', 'deadlineDays: 1\n        colour: red'));
    await expect(readTemplateFiles(dir)).rejects.toThrow(/a\.yaml: sections\[0\]\.items\[0\]\.colour: is not an allowed field/);
    await writeFile(join(dir, 'a.yaml'), GOOD + GOOD.split('items:\n')[1]);
    await expect(readTemplateFiles(dir)).rejects.toThrow(/a\.yaml: sections\[0\]\.items\[1\]\.code: item code A01 is used twice/);
    await writeFile(join(dir, 'a.yaml'), 'code: [unclosed');
    await expect(readTemplateFiles(dir)).rejects.toThrow(/a\.yaml: not valid YAML/);
  });

  it('refuses two files with the same code', async () => {
    await writeFile(join(dir, 'a.yaml'), GOOD);
    await writeFile(join(dir, 'b.yaml'), GOOD);
    await expect(readTemplateFiles(dir)).rejects.toThrow(/b\.yaml: code: demo-check is also the code of/);
  });

  it('ships an elderly-care checklist that meets the bar', async () => {
    const files = await readTemplateFiles(BUILTIN_TEMPLATES_DIR);
    const elderly = files.find((f) => f.template.institutionTypes.includes('elderly_care'));
    expect(elderly).toBeDefined();
    const items = elderly!.template.sections.flatMap((s) => s.items);
    expect(items.length).toBeGreaterThanOrEqual(62);
    const major = items.filter((i) => i.severity === 'major');
    expect(major.length).toBeGreaterThanOrEqual(15);
    for (const item of major) {
      expect(item.basis).toBeTruthy();
      expect(item.requiresPhotoOnFail).toBe(true);
    }
    expect(items.filter((i) => i.basis).length / items.length).toBeGreaterThanOrEqual(0.6);
    expect(elderly!.template.sections.map((s) => s.title)).toEqual(
      expect.arrayContaining(['资质证照与安全责任', '建筑安全', '消防设施器材', '疏散通道与安全出口', '用火用电用气', '服务安全']),
    );
  });
});
