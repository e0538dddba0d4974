/**
 * The committed `reports/` directory: the reports of every shipped variant that is expected to
 * fail, plus an `index.html` table of them. Everything in it is a function of the models alone
 * (no timestamps, durations or absolute paths, fixed ordering), so regenerating it is
 * byte-identical and CI can insist the committed copy is current.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TraceRun } from '../trace/file.ts';
import { escapeHtml as h } from './escape.ts';
import { writeReports, type ReportedViolation } from './write.ts';

/** One checked model variant. */
export interface SiteEntry {
  readonly run: TraceRun;
  readonly expected: 'holds' | 'violated';
  readonly verdict: string;
  readonly violations: readonly ReportedViolation[];
  readonly nodes?: readonly string[];
  readonly description?: string;
  /** File name stem of its reports; default `<model>-<variant>`. */
  readonly baseName?: string;
}

const STYLE = `
body { margin: 24px; color: #1f2328; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 21px; margin: 0 0 4px; }
p { color: #59636e; margin: 0 0 16px; max-width: 60em; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 5px 14px 5px 0; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { color: #59636e; font-weight: 600; }
td.n { text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.bad { color: #cf222e; }
.ok { color: #1a7f37; }
.note { color: #59636e; font-size: 12.5px; }
`;

/**
 * Write the reports of `entries` into `dir` and the index that links them; returns the files
 * written (index last). Entries are listed in the order given. Report files of the same models
 * left from an earlier run (a variant renamed or fixed) are removed, so the directory holds
 * exactly what the index links.
 */
export function writeSite(dir: string, entries: readonly SiteEntry[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const rows: string[] = [];
  for (const e of entries) {
    const reports = writeReports(dir, e.run, e, { nodes: e.nodes, baseName: e.baseName });
    for (const r of reports) written.push(r.html, r.markdown, r.json);
    const asExpected = e.verdict === e.expected;
    const verdict = `<span class="${asExpected ? 'ok' : 'bad'}">${h(e.verdict)}${asExpected ? '' : ' (unexpected)'}</span>`;
    const params = Object.entries(e.run.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const head = (rowspan: number) =>
      `<td rowspan="${rowspan}"><code>${h(e.run.model)}</code></td><td rowspan="${rowspan}"><code>${h(e.run.variant)}</code>` +
      `${e.description ? `<div class="note">${h(e.description)}</div>` : ''}</td><td rowspan="${rowspan}"><code>${h(params)}</code></td>` +
      `<td rowspan="${rowspan}">${h(e.expected)}</td><td rowspan="${rowspan}">${verdict}</td>`;
    if (reports.length === 0) {
      rows.push(`<tr>${head(1)}<td>—</td><td class="n">—</td><td>—</td></tr>`);
      continue;
    }
    reports.forEach((r, k) => {
      const links = [r.html, r.markdown, r.json].map((p) => `<a href="${h(encodeURI(basename(p)))}">${h(p.slice(p.lastIndexOf('.') + 1))}</a>`).join(' · ');
      rows.push(`<tr>${k === 0 ? head(reports.length) : ''}<td><code>${h(r.property)}</code></td><td class="n">${r.file.length}</td><td>${links}</td></tr>`);
    });
  }
  const index = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>faultline — counterexample reports</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<h1>Counterexample reports</h1>
<p>Every shipped model variant that is expected to violate a property, checked at its default parameters with breadth-first search (so each trace is a shortest one), and the study cases beyond the defaults (<code>models/index.ts</code>). Regenerate with <code>npm run reports</code>; replay any trace with <code>npx faultline replay ${h(dir)}/&lt;file&gt;.json</code>, or step through it in the browser with <code>npx faultline explore &lt;model&gt; --trace ${h(dir)}/&lt;file&gt;.json</code>.</p>
<table>
<thead><tr><th>model</th><th>variant</th><th>params</th><th>expected</th><th>verdict</th><th>property</th><th>steps</th><th>report</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
  const indexPath = join(dir, 'index.html');
  writeFileSync(indexPath, index);
  written.push(indexPath);
  removeStale(dir, new Set(entries.map((e) => e.run.model)), new Set(written.map((f) => basename(f))));
  return written;
}

/** Delete report files of `models` in `dir` that this run did not write. */
function removeStale(dir: string, models: ReadonlySet<string>, kept: ReadonlySet<string>): void {
  for (const name of readdirSync(dir)) {
    if (kept.has(name) || !/\.(html|md|json)$/.test(name)) continue;
    if ([...models].some((m) => name.startsWith(`${m}-`))) rmSync(join(dir, name));
  }
}
