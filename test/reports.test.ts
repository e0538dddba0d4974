import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { models } from '../models/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { FAULT_STEP_KINDS, STEP_KINDS, type StepKind } from '../src/model/model.ts';
import { lanesOf, sequenceChart } from '../src/report/chart.ts';
import { escapeHtml, escapeMarkdown } from '../src/report/escape.ts';
import { htmlReport } from '../src/report/html.ts';
import { markdownReport } from '../src/report/markdown.ts';
import { MANIFEST } from '../src/report/site.ts';
import { writeReports } from '../src/report/write.ts';
import { readTraceFile, serializeTraceFile, traceFile, type TraceFile, type TraceFileStep } from '../src/trace/file.ts';
import { buildTrace } from '../src/trace/trace.ts';
import { NODES as HOSTILE_NODES, PROPERTY as HOSTILE_PROPERTY } from './fixtures/hostile.ts';
import { definition as retryLoop } from './fixtures/retry-loop.ts';
import { faultline, faultlineProcess } from './support/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-reports-'));
const RW = 'test/fixtures/replicated-write.ts';

/** A synthetic trace with one step of every kind, over three nodes. */
function everyKind(loopStart: number | null = null): TraceFile {
  const nodes = ['a', 'b', 'c'];
  const steps: TraceFileStep[] = STEP_KINDS.map((kind, index) => {
    const between = kind === 'deliver' || kind === 'drop' || kind === 'duplicate' || kind === 'byzantine';
    const on = kind === 'crash' || kind === 'recover' || kind === 'pause' || kind === 'resume' || kind === 'timer' || kind === 'local';
    return {
      index,
      kind,
      action: `${kind} step`,
      actionIndex: 0,
      ...(between ? { from: 'a', to: 'c', message: `M${index}` } : {}),
      ...(on ? { node: 'b' } : {}),
      state: { n: index, note: `${kind}` },
    };
  });
  return {
    schema: 1,
    model: 'synthetic',
    variant: 'default',
    params: { n: 3 },
    faults: { drop: 1, crash: 1 },
    property: 'safe',
    kind: 'always',
    description: 'nothing bad happens',
    length: steps.length - 1,
    loopStart,
    nodes,
    steps,
  };
}

/** The SVG markup drawn for step `i` (its `mark-row` group). */
function marksOf(svg: string, i: number): string {
  const m = new RegExp(`<g class="mark-row" data-step="${i}">(.*?)</g>(?=\\s*<g class="mark-row"|\\s*</g>)`, 's').exec(svg);
  if (!m) throw new Error(`no marks for step ${i}`);
  return m[1];
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('sequence chart', () => {
  it('draws one lane per node and one row per step', () => {
    const file = everyKind();
    const svg = sequenceChart(file);
    expect(count(svg, /<g class="lane"/g)).toBe(file.nodes!.length);
    expect(count(svg, /<g class="step[ "]/g)).toBe(file.steps.length);
    expect(count(svg, /<g class="mark-row"/g)).toBe(file.steps.length);
  });

  it('gives a model without nodes a single lane, and adds nodes that steps name', () => {
    const base = everyKind();
    expect(lanesOf({ ...base, nodes: undefined, steps: base.steps.map(({ state, index, kind, action, actionIndex }) => ({ state, index, kind, action, actionIndex })) })).toEqual(['system']);
    expect(lanesOf({ ...base, nodes: ['c'] })).toEqual(['c', 'a', 'b']);
  });

  it('draws each kind of step with its own mark', () => {
    const file = everyKind();
    const svg = sequenceChart(file);
    const at = (kind: StepKind) => marksOf(svg, STEP_KINDS.indexOf(kind as never));
    const lanes = file.nodes!.length;
    expect(count(at('deliver'), /<line class="msg deliver"[^>]*marker-end="url\(#arrow\)"/g)).toBe(1);
    expect(at('deliver')).toContain(`>M${STEP_KINDS.indexOf('deliver')}<`);
    expect(count(at('duplicate'), /class="msg duplicate"[^>]*url\(#arrow-dup\)/g)).toBe(2);
    expect(count(at('byzantine'), /class="msg byzantine"[^>]*url\(#arrow-byz\)/g)).toBe(1);
    expect(at('drop')).toContain('class="drop-x"');
    expect(at('drop')).not.toContain('marker-end');
    for (const kind of ['crash', 'recover', 'pause', 'resume', 'timer', 'local'] as const) {
      expect(count(at(kind), new RegExp(`class="mark ${kind}"`, 'g'))).toBe(1);
    }
    for (const kind of ['partition', 'heal', 'round'] as const) expect(at(kind)).toContain(`class="across ${kind}"`);
    expect(count(at('tick'), /class="mark tick"/g)).toBe(lanes);
    expect(count(at('init'), /class="mark init"/g)).toBe(lanes);
    // The network and fault kinds differ in what is drawn, not only in a class name (colour).
    const distinct = ['deliver', 'drop', 'duplicate', 'byzantine', 'crash', 'recover', 'pause', 'resume', 'partition', 'heal', 'tick'] as const;
    const shape = (k: StepKind) => at(k).replace(/ class="[^"]*"/g, '').replace(/>M\d+</g, '><').replace(/-?[\d.]+/g, '#');
    expect(new Set(distinct.map(shape)).size).toBe(distinct.length);
  });

  it('marks the loop of a lasso', () => {
    expect(sequenceChart(everyKind())).not.toContain('class="loop"');
    const loopStart = 5;
    const svg = sequenceChart(everyKind(loopStart));
    expect(svg).toContain('class="loop"');
    expect(svg).toContain('↻ loop');
    expect(count(svg, /<g class="step in-loop"/g)).toBe(STEP_KINDS.length - loopStart);
  });
});

describe('HTML report', () => {
  it('is self-contained: no external resource, script or font; CSP allows only its own inline blocks', () => {
    const html = htmlReport(everyKind(), { tracePath: 'x.json' });
    expect(html).not.toMatch(/\b(src|href)="(?!data:|#|url\()/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/@import|@font-face|url\(http/);
    expect(count(html, /<script>/g)).toBe(1);
    expect(count(html, /<style>/g)).toBe(1);
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1];
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1];
    const sha = (t: string) => createHash('sha256').update(t).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${sha(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha(style)}'`);
  });

  it('opens with a plain-language header: property, steps, faults, params and the replay command', () => {
    const file = everyKind();
    const html = htmlReport(file, { tracePath: 'out/x.json' });
    const injected = file.steps.filter((s) => FAULT_STEP_KINDS.has(s.kind)).length;
    expect(html).toContain(`<h1>safe failed after ${file.length} steps</h1>`);
    expect(html).toContain(`under faults drop=1, crash=1 (${injected} injected:`);
    expect(html).toContain(': nothing bad happens.');
    expect(html).toContain('<code>n=3</code>');
    expect(html).toContain('npx faultline replay out/x.json');
    expect(html).toContain(`npx faultline explore ${file.model} --trace out/x.json</code>`);
    expect(count(html, /<li id="step-\d+"/g)).toBe(file.steps.length);
    expect(count(html, /<div class="step-diff"/g)).toBe(file.steps.length);
  });

  it('lists the loop steps of a lasso as such', () => {
    const model = instantiate(retryLoop, { params: {}, variant: 'default' });
    const trace = buildTrace(model, { initIndex: 0, actions: [0, 1, 1], loopStart: 1 });
    const file = traceFile({ model: 'retry-loop', variant: 'default', params: {} }, { property: 'served', kind: 'eventually', trace }, model.nodes);
    const html = htmlReport(file, { tracePath: 'x.json' });
    expect(count(html, /<li [^>]*class="in-loop/g)).toBe(file.length - file.loopStart!);
    expect(html).toContain('loop starts here');
    expect(html).toContain('in a 2-step loop repeated forever');
  });
});

// A model with markup in every string, checked with --report.
const hostileDir = tmp();
const hostileChecked = await faultline('check', 'test/fixtures/hostile.ts', '--report', hostileDir);

describe('escaping', { timeout: 60_000 }, () => {
  it('escapeHtml and escapeMarkdown leave no markup', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeMarkdown('a|b `c` *d* _e_ [f](g) <h> & #i ~j~ !k\nl')).toBe(
      'a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) &lt;h&gt; &amp; \\#i \\~j\\~ \\!k l',
    );
  });

  const checked = hostileChecked;
  const html = readFileSync(join(hostileDir, 'hostile-default.html'), 'utf8');
  const md = readFileSync(join(hostileDir, 'hostile-default.md'), 'utf8');

  it('a model with markup in every string yields a report with none of it live (HTML)', () => {
    expect(checked.code).toBe(1);
    expect(html).not.toMatch(/<script>alert/i);
    expect(html).not.toMatch(/<img|<svg onload|<b>bold|<\/style><b>/i);
    // Every `<` from the model is escaped, so any tag is the report's own, and none has handlers.
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(count(html, /<script/g)).toBe(1);
    expect(count(html, /<\/style>/g)).toBe(1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(escapeHtml(HOSTILE_PROPERTY));
    for (const node of HOSTILE_NODES) expect(html).toContain(`data-lane="${escapeHtml(node)}"`);
  });

  it('a model with markup in every string yields a report with none of it live (Markdown)', () => {
    expect(md).not.toMatch(/<(?!\/?code>)/);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Table rows keep exactly their three cell separators; every other pipe is escaped.
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) expect(count(row.replace(/\\\|/g, ''), /\|/g)).toBe(3);
    // Backticks outside code fences are escaped.
    const prose = md.replace(/^```[^\n]*\n[\s\S]*?\n```$/gm, '');
    expect(prose).not.toMatch(/(?<!\\)`/);
  });
});

// The trace `faultline report` renders, as `check --report` writes it.
const reportDir = tmp();
await faultline('check', RW, '--variant', 'ack-before-replicate', '--report', reportDir);

describe('faultline report', { timeout: 60_000 }, () => {
  const dir = reportDir;
  const path = join(dir, 'replicated-write-ack-before-replicate.json');
  const file = readTraceFile(path);

  it('renders the same HTML, Markdown and JSON that check --report wrote', async () => {
    for (const [format, ext] of [
      ['html', 'html'],
      ['markdown', 'md'],
      ['json', 'json'],
    ]) {
      // A model loaded from a file: its module is named for the suggested commands, as check had it.
      const r = await faultline('report', path, '--format', format, '--model', RW);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(dir, `replicated-write-ack-before-replicate.${ext}`), 'utf8'));
    }
  });

  it('renders text with numbered steps and only what changed', async () => {
    const r = await faultline('report', path);
    expect(r.code).toBe(0);
    // The step kind is shown unless the label already starts with it.
    const tag = (s: { kind: string; action: string }) => (s.kind === 'action' || s.action.startsWith(`${s.kind} `) ? '' : `[${s.kind}] `);
    for (const s of file.steps.slice(1)) expect(r.stdout).toContain(`${s.index}. ${tag(s)}${s.action}`);
    expect(r.stdout).toContain('✗ acked-write-survives failed after');
    expect(r.stdout).toContain('acked: false → true');
  });

  it('Markdown carries the property, params, fault budgets and the replay command', () => {
    const md = markdownReport({ ...file, faults: { crash: 1, drop: 1 } }, { tracePath: path });
    expect(md).toContain('| property | <code>acked-write-survives</code> (always)');
    expect(md).toContain('| params | <code>drops=1, dups=0, crashes=1');
    expect(md).toContain('| fault budgets | <code>crash=1, drop=1</code> |');
    expect(md).toContain(`npx faultline replay ${path}`);
    expect(md).toContain(`npx faultline explore ${file.model} --trace ${path}\n`);
    expect(md).toContain('--faults crash=1,drop=1');
    expect(count(md, /^\d+\. /gm)).toBe(file.steps.length);
  });

  it('exits 2 on an unknown format', async () => {
    const r = await faultline('report', path, '--format', 'pdf');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('check --minimize', { timeout: 60_000 }, () => {
  it('prints the original and minimised lengths and reports the minimised trace', async () => {
    const dir = tmp();
    const labels = (f: TraceFile) => f.steps.map((s) => s.action);
    const params = ['--param', 'pauses=1', '--param', 'maxTime=1', '--strategy', 'random', '--seed', '5'];
    const plain = await faultline('check', RW, '--variant', 'ack-before-replicate', ...params, '--report', join(dir, 'plain'));
    const small = await faultline('check', RW, '--variant', 'ack-before-replicate', ...params, '--report', join(dir, 'small'), '--minimize');
    expect(plain.code).toBe(1);
    expect(small.code).toBe(1);
    const before = readTraceFile(join(dir, 'plain', 'replicated-write-ack-before-replicate.json'));
    const after = readTraceFile(join(dir, 'small', 'replicated-write-ack-before-replicate.json'));
    const faults = (f: TraceFile) => f.steps.filter((s) => FAULT_STEP_KINDS.has(s.kind)).length;
    expect(small.stdout).toContain(`minimised: ${before.length} → ${after.length} steps (${faults(before)} → ${faults(after)} faults)`);
    expect(after.minimized).toEqual({ length: before.length, faults: faults(before) });
    expect(after.length).toBeLessThanOrEqual(before.length);
    // The minimised trace is a subsequence of the original.
    let k = 0;
    for (const label of labels(after)) k = labels(before).indexOf(label, k) + 1;
    expect(k).toBeGreaterThan(0);
    expect((await faultline('replay', join(dir, 'small', 'replicated-write-ack-before-replicate.json'), '--model', RW)).code).toBe(0);
  });
});

describe('writeReports', () => {
  it('names one report per violated property so files never collide, and keeps names file-safe', () => {
    const file = everyKind();
    const trace = { steps: file.steps, loopStart: null };
    const violations = [
      { property: 'safe', kind: 'always' as const, trace },
      { property: '../../etc/passwd <x>', kind: 'transition' as const, trace },
      { property: 'never', kind: 'sometimes' as const, trace: null },
    ];
    const dir = tmp();
    const written = writeReports(dir, { model: 'm', variant: 'v', params: {} }, { violations });
    expect(written.map((w) => w.property)).toEqual(['safe', '../../etc/passwd <x>']);
    expect(readdirSync(dir).sort()).toEqual(['m-v-etc-passwd-x.html', 'm-v-etc-passwd-x.json', 'm-v-etc-passwd-x.md', 'm-v-safe.html', 'm-v-safe.json', 'm-v-safe.md']);
    expect(writeReports(tmp(), { model: 'm', variant: 'v', params: {} }, { violations: [violations[0]] }, { baseName: 'm-v-n=3' }).map((w) => w.html)).toEqual([
      expect.stringMatching(/\/m-v-n=3\.html$/),
    ]);
  });
});

describe('reports/', { timeout: 180_000 }, () => {
  const expectedFiles = (dir: string) =>
    readdirSync(dir)
      .sort()
      .map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]);

  it('is byte-identical across runs, one report per buggy shipped variant (at its own params), index links resolve; all --report writes the same', async () => {
    // As `npm start` does (the compiled `faultline all --report reports`, in a process of its own), from the project root (here: a
    // scratch cwd) into a folder holding an earlier run's reports: the committed reports/, which
    // `npm run reports` wrote on another machine, and CI regenerates and compares.
    const committed = join(import.meta.dirname, '..', 'reports');
    const first = expectedFiles(committed);
    const cwd = tmp();
    const dir = join(cwd, 'reports');
    cpSync(committed, dir, { recursive: true });
    // A report left from an earlier run (a variant since renamed: its manifest lists it) goes;
    // the user's own files stay.
    writeFileSync(join(dir, 'two-phase-commit-renamed-variant.html'), 'stale');
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ ...manifest, files: [...manifest.files, 'two-phase-commit-renamed-variant.html'] }));
    writeFileSync(join(dir, 'notes.md'), 'mine');
    // It exits 0 only if every shipped variant behaves as expected at its defaults, and writes the very same bytes.
    expect(faultlineProcess(cwd, 'all', '--report', 'reports').code).toBe(0);
    expect(existsSync(join(dir, 'two-phase-commit-renamed-variant.html'))).toBe(false);
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('mine');
    rmSync(join(dir, 'notes.md'));
    expect(expectedFiles(dir)).toEqual(first);

    const buggy = models.flatMap((d) => d.variants.filter((v) => v.expect === 'violated').map((v) => `${d.name}-${v.name}`));
    const names = first.map(([f]) => f);
    for (const stem of buggy) for (const ext of ['html', 'md', 'json']) expect(names).toContain(`${stem}.${ext}`);
    expect(names).toContain('index.html');
    expect(names).toContain(MANIFEST);
    expect(names).toHaveLength(buggy.length * 3 + 2);
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).files).toEqual(names.filter((n) => n !== MANIFEST));
    // A variant with param values of its own (byzantine-generals oral-n9-f3) is checked, and reported, at them.
    const own = models.flatMap((d) => d.variants.filter((v) => v.expect === 'violated' && v.params).map((v) => [`${d.name}-${v.name}`, v.params!] as const));
    expect(own.length).toBeGreaterThan(0);
    for (const [stem, params] of own) expect(JSON.parse(readFileSync(join(dir, `${stem}.json`), 'utf8')).params).toMatchObject(params);

    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).filter((h) => !h.startsWith('data:'));
    expect(links).toHaveLength(buggy.length * 3);
    for (const link of links) expect(existsSync(join(dir, decodeURI(link)))).toBe(true);
    // No timestamps, durations or absolute paths in anything written.
    for (const [f] of first) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/\d{4}-\d{2}-\d{2}|\d+\.\d+ ?s\b|durationMs|\/tmp\/|\/work\//);
  });

  it('the committed reports/ directory holds a report for every buggy shipped variant', () => {
    const committed = readdirSync(join(import.meta.dirname, '..', 'reports'));
    for (const d of models) {
      for (const v of d.variants.filter((x) => x.expect === 'violated')) expect(committed).toContain(`${d.name}-${v.name}.html`);
    }
  });

  it('a trace file written by check --report is schema 1 with every step', async () => {
    const dir = tmp();
    await faultline('check', 'two-phase-commit', '--variant', 'prepared-rm-aborts', '--report', dir);
    const text = readFileSync(join(dir, 'two-phase-commit-prepared-rm-aborts.json'), 'utf8');
    const file = readTraceFile(join(dir, 'two-phase-commit-prepared-rm-aborts.json'));
    expect(serializeTraceFile(file)).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual(['schema', 'model', 'variant', 'params', 'faults', 'property', 'kind', 'description', 'length', 'loopStart', 'nodes', 'steps']);
    expect(file.steps).toHaveLength(file.length + 1);
    const optional = new Set(['node', 'from', 'to', 'message', 'name']);
    for (const s of file.steps) {
      expect(Object.keys(s).filter((k) => !optional.has(k))).toEqual(['index', 'kind', 'action', 'actionIndex', 'state']);
    }
  });
});
