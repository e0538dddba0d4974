/**
 * The compiled executable (dist/, as `npm ci` builds it) run as a user runs it: the exit codes,
 * one --json, one --report, --version, and models loaded from folders outside the repository.
 * Every other CLI test runs the same `main` in-process (test/support/cli.ts), but for what only a
 * process shows (signals, a closed pipe, a small heap, start-up failures: stopping.test.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultlineProcess } from './support/cli.ts';

const root = join(import.meta.dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-smoke-'));
const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;

/** The first TypeScript block of README.md's "Writing a model" section. */
function readmeModel(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Writing a model'));
  return /```ts\n([\s\S]*?)```/.exec(section)![1];
}

describe('the faultline executable', () => {
  it('--version prints the package version', () => {
    const r = faultlineProcess(root, '--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('exit 0 and one JSON object on stdout when every property holds', () => {
    const r = faultlineProcess(root, 'check', 'two-phase-commit', '--param', 'rms=2', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('holds');
    expect(out.stats.distinctStates).toBe(tpcStates(2));
  });

  it('exit 1 on a violation, with --report writing the HTML, Markdown and JSON reports', () => {
    const dir = tmp();
    const r = faultlineProcess(root, 'check', 'two-phase-commit', '--variant', 'commit-on-some-prepared', '--report', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verdict: violated — consistency');
    for (const ext of ['html', 'md', 'json']) expect(existsSync(join(dir, `two-phase-commit-commit-on-some-prepared.${ext}`))).toBe(true);
    expect(r.stdout).toContain(`report: ${join(dir, 'two-phase-commit-commit-on-some-prepared.html')}`);
  });

  it('exit 3 when a bound cuts the search, exit 2 with one line on bad input', () => {
    expect(faultlineProcess(root, 'check', 'two-phase-commit', '--max-depth', '3').code).toBe(3);
    const bad = faultlineProcess(root, 'check', 'no-such-model');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a model in a folder of its own', () => {
  it("README's counter, copied verbatim into a folder without package.json, is checked", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'counter.ts'), readmeModel());
    const r = faultlineProcess(dir, 'check', './counter.ts', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // It counts 0, 1, …, max (default 3): max + 1 states on one path.
    expect(JSON.parse(r.stdout).stats).toMatchObject({ distinctStates: 4, depth: 4 });
    expect(faultlineProcess(dir, 'list', './counter.ts').stdout).toMatch(/\| max +\| 3 +\| ≥ 1 +\| largest value \|/);
  });

  it('loads .ts, .mts and .js as ES modules even under a "type": "commonjs" package.json, helpers by TypeScript specifiers', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mine', type: 'commonjs' }));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'limit.ts'), 'export const LIMIT: number = 2;\n');
    const body = (limit: string) =>
      `export default defineModel({ name: 'm', description: 'd',\n` +
      `  build: () => model({ init: () => [0], actions: (s) => (s < ${limit} ? ['inc'] : []), next: (s) => s + 1, label: (a) => a,\n` +
      `    terminal: (s) => s === ${limit} }, { properties: [always('bounded', (s) => s <= ${limit})] }) });\n`;
    const imports = "import { always, defineModel, model } from 'faultline';\n";
    writeFileSync(join(dir, 'a.ts'), `${imports}import { LIMIT } from './lib/limit.js';\n${body('LIMIT')}`);
    writeFileSync(join(dir, 'b.mts'), `${imports}import { LIMIT } from './lib/limit';\n${body('LIMIT')}`);
    writeFileSync(join(dir, 'c.js'), `${imports}${body('2')}`);
    for (const file of ['a.ts', 'b.mts', 'c.js']) {
      const r = faultlineProcess(dir, 'check', file, '--json');
      expect(r.stderr, file).toBe('');
      expect(r.code, file).toBe(0);
      expect(JSON.parse(r.stdout).stats.distinctStates, file).toBe(3);
    }
  });

  it("a syntax error names file:line:column and the compiler's message, on one line (exit 2)", () => {
    const dir = tmp();
    const line2 = "export const definition = { name: 'x', params: [1, 2,, };";
    writeFileSync(join(dir, 'broken.ts'), `import { always } from 'faultline';\n${line2}\n`);
    const r = faultlineProcess(dir, 'check', 'broken.ts');
    expect(r.code).toBe(2);
    // The array is never closed: the compiler stops at the brace (columns count from 1).
    const column = line2.indexOf('}') + 1;
    expect(r.stderr.trim().split('\n')).toEqual([`faultline: could not load broken.ts: broken.ts:2:${column}: Unexpected "}"`]);
  });
});
