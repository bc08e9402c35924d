import { INSTITUTION_TYPE_LABELS, type InstitutionType } from '../common/labels.zh-CN.js';
import type { PublicResult } from './dto/draw.dto.js';
import type { PublicResultCode } from './draws.repository.js';

/** The fixed vocabulary of published results (一公开), by the code the query gives. */
export const PUBLIC_RESULT_LABELS: Record<PublicResultCode, PublicResult> = {
  not_checked: '未检查',
  no_problem: '未发现问题',
  ordered: '发现问题已责令整改',
  rectified: '发现问题已整改',
};

/** The issuing authority of a region's round. */
export function issuerNameOf(regionName: string): string {
  return `${regionName}民政局`;
}

export interface PublicRoundView {
  name: string;
  issuerName: string;
  regionCode: string;
  startsOn: string;
  endsOn: string;
  draw: { algorithm: string; seed: string; population: { count: number; sha256: string } } | null;
  institutions: { name: string; type: string; regionName: string; result: PublicResult }[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The page for people: the same content as the JSON, in plain zh-CN HTML without scripts. */
export function renderPublicRoundHtml(view: PublicRoundView): string {
  const e = escapeHtml;
  const rows = view.institutions
    .map(
      (i, n) =>
        `<tr><td>${n + 1}</td><td>${e(i.name)}</td><td>${e(INSTITUTION_TYPE_LABELS[i.type as InstitutionType] ?? i.type)}</td>` +
        `<td>${e(i.regionName)}</td><td>${e(i.result)}</td></tr>`,
    )
    .join('\n');
  const draw = view.draw
    ? `<section><h2>随机抽取（双随机）</h2><dl>
<dt>抽取算法</dt><dd><code>${e(view.draw.algorithm)}</code></dd>
<dt>随机种子</dt><dd><code>${e(view.draw.seed)}</code></dd>
<dt>检查对象名录</dt><dd>${view.draw.population.count} 家，SHA-256 摘要 <code>${e(view.draw.population.sha256)}</code></dd>
</dl><p>任何人可依据公开的种子、名录和抽取规则重新计算抽取结果，核验其是否公正。</p></section>`
    : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(view.name)} — 抽查结果公示</title>
<style>body{font-family:system-ui,"Noto Sans SC",sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left}th{background:#f3f3f3}
code{word-break:break-all}dt{font-weight:bold;margin-top:.5rem}</style></head>
<body><main>
<h1>${e(view.name)}</h1>
<p>抽查实施机关：${e(view.issuerName)}　检查时间：${e(view.startsOn)} 至 ${e(view.endsOn)}　行政区划代码：${e(view.regionCode)}</p>
${draw}
<section><h2>抽查结果</h2>
<table><thead><tr><th>序号</th><th>机构名称</th><th>机构类型</th><th>所在地区</th><th>检查结果</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">暂无检查对象</td></tr>'}
</tbody></table></section>
</main></body></html>
`;
}

/** A browser asking for a round that is not (or not yet) public. */
export function renderNotPublishedHtml(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>未找到公示信息</title></head>
<body><main><h1>未找到公示信息</h1><p>该抽查尚未公开，或链接有误。</p></main></body></html>
`;
}
