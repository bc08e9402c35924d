import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { CreateTemplateDto } from './dto/template.dto.js';
import { validateTemplate } from './template-content.js';

/** A built-in template file that fails its schema: the boot stops with this message. */
export class TemplateFileError extends Error {
  constructor(file: string, detail: string) {
    super(`Invalid template file ${file}: ${detail}`);
    this.name = 'TemplateFileError';
  }
}

/**
 * Reads and validates every `*.yaml` / `*.yml` in the templates folder, in
 * name order. The first bad file throws, naming the file and the field.
 */
export async function readTemplateFiles(dir: string): Promise<{ file: string; template: CreateTemplateDto }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: { file: string; template: CreateTemplateDto }[] = [];
  const codes = new Map<string, string>();
  for (const name of names) {
    const path = join(dir, name);
    const file = relative(process.cwd(), path) || path;
    let plain: unknown;
    try {
      plain = parse(await readFile(path, 'utf8'), { uniqueKeys: true });
    } catch (error) {
      throw new TemplateFileError(file, `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const { value, errors } = validateTemplate(plain);
    if (!value) throw new TemplateFileError(file, errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    const other = codes.get(value.code);
    if (other) throw new TemplateFileError(file, `code: ${value.code} is also the code of ${other}`);
    codes.set(value.code, file);
    out.push({ file, template: value });
  }
  return out;
}
