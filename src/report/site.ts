/**
 * The committed `reports/` directory: the reports of every shipped variant that is expected to
 * fail and of every study case, plus an `index.html` table of them and a manifest of the files.
 * Everything in it is a function of the models alone (no timestamps, durations or absolute
 * paths, fixed ordering), so regenerating it is byte-identical and CI can insist the committed
 * copy is current.
 *
 * The folder may hold the user's own files too: only files listed in the manifest (written by an
 * earlier run) are ever replaced or deleted, and a non-empty folder without a manifest is refused.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../model/errors.ts';
import type { TraceRun } from '../trace/file.ts';
import { escapeHtml as h } from './escape.ts';
import { renderReports, type ReportedViolation } from './write.ts';

/** The file in a reports folder that lists what faultline wrote there. */
export const MANIFEST = 'faultline-manifest.json';

/** One checked model variant. */
export interface SiteEntry {
  readonly run: TraceRun;
  readonly expected: 'holds' | 'violated';
  readonly verdict: string;
  readonly violations: readonly ReportedViolation[];
  readonly nodes?: readonly string[];
  readonly description?: string;
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
 * written (index last). Entries are listed in the order given. Files of an earlier run that this
 * one does not write again (a variant renamed or fixed) are removed, so the folder holds exactly
 * what the index links, plus whatever the user keeps there.
 */
export function writeSite(dir: string, entries: readonly SiteEntry[]): string[] {
  const owned = siteFiles(dir);
  const files = new Map<string, string>();
  const rows: string[] = [];
  for (const e of entries) {
    const reports = renderReports(dir, e.run, e, { nodes: e.nodes });
    for (const r of reports) for (const [path, text] of r.texts) files.set(path, text);
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
<p>Every shipped model variant that is expected to violate a property, checked at its default parameters (with the variant's own, where it has some) with breadth-first search (so each trace is a shortest one). Regenerate with <code>npm run reports</code>; replay any trace with <code>npx faultline replay ${h(dir)}/&lt;file&gt;.json</code>, or step through it in the browser with <code>npx faultline explore &lt;model&gt; --trace ${h(dir)}/&lt;file&gt;.json</code>.</p>
<table>
<thead><tr><th>model</th><th>variant</th><th>params</th><th>expected</th><th>verdict</th><th>property</th><th>steps</th><th>report</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
  files.set(join(dir, 'index.html'), index);

  const names = [...files.keys()].map((f) => basename(f));
  const foreign = names.find((name) => !owned.has(name) && existsSync(join(dir, name)));
  if (foreign !== undefined) {
    throw new InputError(`${dir}/${foreign} exists and was not written by faultline (it is not in ${MANIFEST}); move it away or choose another folder`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of files) writeFileSync(path, text);
  const kept = new Set(names);
  for (const name of owned) if (!kept.has(name)) rmSync(join(dir, name), { force: true });
  writeFileSync(join(dir, MANIFEST), JSON.stringify({ generator: 'faultline reports', files: [...kept].sort() }, null, 2) + '\n');
  return [...files.keys()];
}

/**
 * The files of `dir` that an earlier run wrote, from its manifest: empty for a missing or empty
 * folder. A folder with other files and no manifest is not faultline's to write into: an
 * `InputError` (callers ask before a long run, so it fails fast).
 */
export function siteFiles(dir: string): ReadonlySet<string> {
  if (!existsSync(dir)) return new Set();
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) {
    if (readdirSync(dir).length === 0) return new Set();
    throw new InputError(`${dir} is not empty and has no ${MANIFEST}: faultline writes its reports only into an empty folder or one it wrote before`);
  }
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(manifest, 'utf8')) as { files?: unknown }).files;
  } catch (e) {
    throw new InputError(`${manifest} is not a faultline manifest: ${(e as Error).message.split('\n')[0]}`);
  }
  // Only plain file names: a manifest must not steer a deletion outside the folder.
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && f === basename(f) && f !== '..' && f !== '.' && f !== MANIFEST)) {
    throw new InputError(`${manifest} is not a faultline manifest: "files" must list file names in the folder`);
  }
  return new Set(files as string[]);
}
