/**
 * Hostile input: a trace file is data someone may send (it must not run code, and its params are
 * checked like the command line's), model strings must not drive a terminal, a reports folder may
 * hold the user's files, and graph exports must be well-formed XML whatever the labels hold.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { check } from '../src/explore/check.ts';
import { instantiate } from '../src/model/definition.ts';
import { escapeControls } from '../src/report/escape.ts';
import { stateGraph, toGexf, toGraphml } from '../src/report/graph.ts';
import { MANIFEST, writeSite, type SiteEntry } from '../src/report/site.ts';
import { writeReports } from '../src/report/write.ts';
import { definition as terminalEscapes, FORGED, KEY, LABEL, PROPERTY } from './fixtures/terminal-escapes.ts';
import { faultline as run } from './support/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-trust-'));

/** A real trace file of two-phase-commit's commit-on-some-prepared variant, written into a fresh folder. */
function tpcTrace(): { dir: string; path: string; doc: Record<string, unknown> } {
  const dir = tmp();
  const run = { model: 'two-phase-commit', variant: 'commit-on-some-prepared', params: { rms: 2 } };
  const model = instantiate(twoPhaseCommit, { params: run.params, variant: run.variant });
  const [report] = writeReports(dir, run, check(model));
  return { dir, path: report.json, doc: JSON.parse(readFileSync(report.json, 'utf8')) };
}

/** The same trace file with some fields replaced. */
function edited(fields: Record<string, unknown>): string {
  const { dir, doc } = tpcTrace();
  const path = join(dir, 'edited.json');
  writeFileSync(path, JSON.stringify({ ...doc, ...fields }));
  return path;
}

describe('a trace file never names code to run (issue 9, item 5)', () => {
  const dir = tmp();
  const marker = join(dir, 'ran');
  const evil = join(dir, 'evil.mjs');
  writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const definition = {};\n`);
  const traceNaming = (model: string) => {
    const { doc } = tpcTrace();
    const path = join(dir, `names-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify({ ...doc, model }));
    return path;
  };

  for (const named of [evil, './evil.mjs']) {
    it(`replay refuses a trace naming ${named === evil ? 'an absolute' : 'a relative'} module path, and runs nothing`, async () => {
      const r = await run('replay', traceNaming(named));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^faultline: the trace is of model ".*evil\.mjs", which is not a shipped model; a trace file never names code to load, so give the model's module on the command line: --model PATH\n$/);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('report renders such a trace without loading it, and asks for the module in its commands', async () => {
    const r = await run('report', traceNaming(evil), '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).toContain("--model '<path-to-model-module>'");
  });

  it('loads code only from --model on the command line', async () => {
    const r = await run('replay', traceNaming(evil), '--model', evil);
    expect(existsSync(marker)).toBe(true);
    expect(r.code).toBe(2); // evil.mjs exports no model definition
  });
});

describe('params from a trace file are checked like --param (issue 9, items 14 and 15)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['below the minimum', -1, /^faultline: in the trace file: param rms of two-phase-commit must be ≥ 1, got -1\n$/],
    ['not an integer', 1.5, /^faultline: in the trace file: param rms of two-phase-commit must be an integer, got 1\.5\n$/],
    ['of the wrong type', '2', /^faultline: in the trace file: param rms of two-phase-commit must be an integer, got "2"\n$/],
  ];
  for (const [what, rms, message] of cases) {
    it(`refuses rms ${what} with exit 2 (never "diverges")`, async () => {
      const r = await run('replay', edited({ params: { rms } }));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }

  it('refuses a "__proto__" param in a trace file by name', async () => {
    const { dir, doc } = tpcTrace();
    const path = join(dir, 'proto.json');
    // JSON.parse makes "__proto__" an own key, as an attacker's file would.
    writeFileSync(path, JSON.stringify(doc).replace('"params":{', '"params":{"__proto__":3,'));
    const r = await run('replay', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown param "__proto__" for two-phase-commit/);
  });

  const flags: [string, string[], RegExp][] = [
    ['--param __proto__=3', ['check', 'two-phase-commit', '--param', '__proto__=3'], /unknown param "__proto__" for two-phase-commit/],
    ['--faults __proto__=1', ['check', 'two-phase-commit', '--faults', '__proto__=1'], /unknown fault "__proto__"/],
    ['--faults constructor=1', ['check', 'two-phase-commit', '--faults', 'constructor=1'], /unknown fault "constructor"/],
    ['sweep --param __proto__=1,2', ['sweep', 'two-phase-commit', '--param', '__proto__=1,2'], /unknown param "__proto__" for two-phase-commit/],
  ];
  for (const [what, args, message] of flags) {
    it(`refuses ${what} (exit 2) instead of ignoring it`, async () => {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});

/** Every control character (but the line feeds of our own layout) that reaches a terminal raw. */
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('nothing written to a terminal or a text file carries raw control characters (issue 9, item 6)', () => {
  const fixture = 'test/fixtures/terminal-escapes.ts';

  it('check prints labels, properties, state keys and values escaped, so no line can be forged', async () => {
    const r = await run('check', fixture);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    expect(r.stdout.split('\n').filter((line) => line.startsWith('verdict:'))).toEqual([expect.stringMatching(/^verdict: violated/)]);
    expect(r.stdout).toContain(escapeControls(LABEL));
    expect(r.stdout).toContain(escapeControls(PROPERTY));
    expect(r.stdout).toContain(escapeControls(KEY));
    expect(r.stdout).toContain('\\x1b[2J');
  });

  it('check --json keeps every string exact, with C1 controls and U+2028 as \\u escapes', async () => {
    const r = await run('check', fixture, '--json');
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    const out = JSON.parse(r.stdout);
    expect(out.violations[0].property).toBe(PROPERTY);
    expect(out.violations[0].trace.steps[1].action).toBe(LABEL);
    expect(out.violations[0].trace.steps[1].state.note).toBe(`moved${FORGED}`);
  });

  it('report (text and Markdown), the trace file and replay stay escaped; the trace file stays exact', async () => {
    const dir = tmp();
    await run('check', fixture, '--report', dir);
    const trace = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(RAW_CONTROLS);
    expect(JSON.parse(readFileSync(trace, 'utf8')).steps[1].action).toBe(LABEL);
    for (const format of ['text', 'markdown']) {
      const r = await run('report', trace, '--format', format, '--model', fixture);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
      expect(r.stdout).toContain('\\x1b');
    }
    const replayed = await run('replay', trace, '--model', fixture);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).not.toMatch(RAW_CONTROLS);
    expect(replayed.stdout).toContain(escapeControls(PROPERTY));
  });

  it('list of a model module shows its names escaped; list --json keeps them exact', async () => {
    const text = await run('list', fixture);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROLS);
    expect(text.stdout).toContain(escapeControls(PROPERTY));
    const json = await run('list', fixture, '--json');
    expect(json.stdout).not.toMatch(RAW_CONTROLS);
    expect(JSON.parse(json.stdout).properties.map((p: { name: string }) => p.name)).toContain(PROPERTY);
  });

  it('error messages quote user input escaped', async () => {
    const r = await run('check', 'two-phase-commit', '--variant', `x${FORGED}`);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('graph exports are well-formed XML whatever the labels hold (issue 9, item 8)', () => {
  /** Parse with saxes, which checks XML 1.0 well-formedness including its character set. */
  const parse = (xml: string): string[] => {
    const errors: string[] = [];
    const texts: string[] = [];
    const parser = new SaxesParser();
    parser.on('error', (e) => errors.push(e.message));
    parser.on('text', (t) => texts.push(t));
    parser.write(xml).close();
    expect(errors).toEqual([]);
    return texts;
  };
  const graph = stateGraph(instantiate(terminalEscapes, { params: {}, variant: 'default' }));

  it('GraphML parses, with the control characters shown escaped', () => {
    expect(parse(toGraphml(graph))).toContain(escapeControls(LABEL));
  });

  it('GEXF parses', () => {
    parse(toGexf(graph));
  });

  it('faultline graph writes well-formed GraphML for such a model', async () => {
    const r = await run('graph', 'test/fixtures/terminal-escapes.ts', '--format', 'graphml');
    expect(r.code).toBe(0);
    parse(r.stdout);
  });
});

describe('a reports folder may hold the user\'s files (issue 9, item 7)', () => {
  const userFiles = { 'paxos-notes.md': 'my notes', 'two-phase-commit-design.json': '{"mine":true}', 'index.html': '<p>my index</p>' };

  it('faultline reports refuses a non-empty folder it did not write, touching nothing', async () => {
    const dir = tmp();
    for (const [name, text] of Object.entries(userFiles)) writeFileSync(join(dir, name), text);
    const r = await run('reports', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`faultline: ${dir} is not empty and has no ${MANIFEST}: faultline writes its reports only into an empty folder or one it wrote before\n`);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(userFiles).sort());
    for (const [name, text] of Object.entries(userFiles)) expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
  });

  /** A site of one entry whose trace comes from a real check. */
  const entry = (variant: string): SiteEntry => {
    const model = instantiate(twoPhaseCommit, { params: { rms: 2 }, variant });
    const result = check(model);
    expect(result.verdict).toBe('violated');
    return { run: { model: 'two-phase-commit', variant, params: { rms: 2 } }, expected: 'violated', verdict: result.verdict, violations: result.violations, nodes: model.nodes };
  };

  it('replaces and deletes only what its manifest lists; files the user adds later stay', () => {
    const dir = join(tmp(), 'site');
    writeSite(dir, [entry('commit-on-some-prepared'), entry('prepared-rm-aborts')]);
    const first = readdirSync(dir).sort();
    expect(first).toContain(MANIFEST);
    for (const [name, text] of Object.entries({ 'paxos-notes.md': 'my notes', 'two-phase-commit-design.json': '{"mine":true}' })) writeFileSync(join(dir, name), text);
    // The next run no longer has prepared-rm-aborts: its files (listed in the manifest) go.
    writeSite(dir, [entry('commit-on-some-prepared')]);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['index.html', MANIFEST, 'paxos-notes.md', 'two-phase-commit-commit-on-some-prepared.html', 'two-phase-commit-commit-on-some-prepared.json', 'two-phase-commit-commit-on-some-prepared.md', 'two-phase-commit-design.json'].sort());
    expect(readFileSync(join(dir, 'two-phase-commit-design.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('refuses to overwrite a file the manifest does not list, and a manifest that points outside the folder', () => {
    const dir = join(tmp(), 'site');
    writeSite(dir, [entry('commit-on-some-prepared')]);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ ...manifest, files: manifest.files.filter((f: string) => f !== 'index.html') }));
    writeFileSync(join(dir, 'index.html'), 'mine');
    expect(() => writeSite(dir, [entry('commit-on-some-prepared')])).toThrow(/index\.html exists and was not written by faultline/);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('mine');
    const outside = join(dir, '..', 'precious.txt');
    writeFileSync(outside, 'keep');
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ files: ['../precious.txt'] }));
    expect(() => writeSite(dir, [])).toThrow(/is not a faultline manifest/);
    expect(readFileSync(outside, 'utf8')).toBe('keep');
  });
});

describe('reports of a model loaded from a file name its module (issue 9, item 18)', () => {
  it('suggests replay and check commands with the path, and the replay command works as printed', async () => {
    const dir = tmp();
    const model = 'test/fixtures/replicated-write.ts';
    const r = await run('check', model, '--variant', 'ack-before-replicate', '--report', dir);
    expect(r.code).toBe(1);
    const trace = join(dir, 'replicated-write-ack-before-replicate.json');
    for (const ext of ['md', 'html']) {
      const text = readFileSync(join(dir, `replicated-write-ack-before-replicate.${ext}`), 'utf8');
      expect(text).toContain(`npx faultline replay ${trace} --model ${model}`);
      expect(text).toContain(`npx faultline check ${model} --variant ack-before-replicate`);
    }
    const [, ...args] = `faultline replay ${trace} --model ${model}`.split(' ');
    const replayed = await run(...args);
    expect(replayed.stdout).toMatch(/reproduces/);
    expect(replayed.code).toBe(0);
  });
});

describe('bad --report targets are refused before the search (issue 9, item 12)', () => {
  const file = join(tmp(), 'a-file');
  writeFileSync(file, 'x');
  const cases: [string, string, RegExp][] = [
    ['a file', file, /^faultline: --report .*a-file is a file, not a folder\n$/],
    ['a path under a file', join(file, 'reports'), /^faultline: --report .*a-file\/reports: .*a-file is a file, not a folder\n$/],
    ['an empty path', '', /^faultline: --report expects a folder, got ""\n$/],
  ];
  for (const [what, target, message] of cases) {
    it(`exits 2 with one line for ${what}, printing no result`, async () => {
      const r = await run('check', 'two-phase-commit', '--variant', 'commit-on-some-prepared', '--report', target);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }

  it('when a report cannot be written after the search, prints the result anyway and names the file', async () => {
    const dir = tmp();
    // A folder where the trace file should go: writing it fails with EISDIR.
    mkdirSync(join(dir, 'two-phase-commit-commit-on-some-prepared.json'));
    const r = await run('check', 'two-phase-commit', '--variant', 'commit-on-some-prepared', '--report', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verdict: violated — consistency');
    expect(r.stderr).toBe(`faultline: could not write ${resolve(dir, 'two-phase-commit-commit-on-some-prepared.json').replace(resolve(dir), dir)}: EISDIR\n`);
  });
});
