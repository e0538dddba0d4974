/**
 * docs/writing-a-protocol.md cannot rot: its TypeScript blocks are extracted into an empty folder
 * (no package.json, as a newcomer starts) and type-checked against faultline's public entry
 * points, its `fails="…"` blocks must fail to compile with that message, and every `$ npx
 * faultline …` of its console blocks is run with the compiled executable in that folder, its
 * output compared with the one shown (times excepted; a line `…` stands for any lines).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TUTORIAL = join(ROOT, 'docs', 'writing-a-protocol.md');
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

interface Block {
  readonly info: string;
  readonly body: string;
}

/** The fenced code blocks of a Markdown document, with their info strings. */
function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1].trim(), body: m[2] }));
}

const markdown = readFileSync(TUTORIAL, 'utf8');
const all = blocks(markdown);
const files = new Map<string, string>();
for (const b of all) {
  const file = /^ts file=(\S+)$/.exec(b.info)?.[1];
  if (file) files.set(file, (files.get(file) ?? '') + b.body);
}
const failing = all.flatMap((b) => {
  const m = /^ts fails="((?:[^"\\]|\\.)*)"$/.exec(b.info);
  return m ? [{ message: m[1].replace(/\\"/g, '"'), body: b.body }] : [];
});
const commands = all
  .filter((b) => b.info === 'console')
  .flatMap((b) => {
    const out: { args: string[]; expected: string[] }[] = [];
    for (const line of b.body.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) {
        const words = line.slice(2).split(/ +/);
        expect(words.slice(0, 2), line).toEqual(['npx', 'faultline']);
        out.push({ args: words.slice(2), expected: [] });
      } else out.at(-1)!.expected.push(line);
    }
    return out;
  });

const dir = mkdtempSync(join(tmpdir(), 'faultline-tutorial-'));
for (const [name, text] of files) writeFileSync(join(dir, name), text);

/** Type-check `names` (in the tutorial folder) as a newcomer's editor would, against faultline's sources. */
/** The tutorial's model and each of its mistakes, as files of the folder. */
const mistakeName = (i: number) => `mistake-${i}.ts`;
let typeErrors: Map<string, string[]> | undefined;

/**
 * Type errors of a file of the folder: the model and every mistake are checked in one program
 * (each program type-checks faultline's own sources again, which is most of the time it takes).
 */
function diagnostics(name: string): string[] {
  if (typeErrors === undefined) {
    failing.forEach(({ body }, i) => writeFileSync(join(dir, mistakeName(i)), body));
    const names = ['register.ts', ...failing.map((_, i) => mistakeName(i))];
    const program = ts.createProgram(
      names.map((n) => join(dir, n)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        // What any Node project has; faultline's own declarations refer to Node's types.
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
        // The folder has no faultline installed: resolve the package's entry points to its sources.
        paths: { faultline: [join(ROOT, 'src', 'index.ts')], 'faultline/invariants': [join(ROOT, 'invariants', 'index.ts')] },
      },
    );
    typeErrors = new Map(names.map((n) => [n, []]));
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const file = d.file === undefined ? 'register.ts' : basename(d.file.fileName);
      (typeErrors.get(file) ?? typeErrors.get('register.ts')!).push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
  }
  return typeErrors.get(name)!;
}

/** Output with what varies between runs (times and rates) blanked out. */
const steady = (text: string) => text.replace(/\d+\.\d+ s \([\d,]+ states\/s\)/g, '<time>');

/** Whether `actual` lines match `expected` lines, where an expected `…` stands for any lines. */
function matches(actual: readonly string[], expected: readonly string[]): boolean {
  const pattern = expected
    .map((line) => (line === '…' ? '(?:[^\\n]*\\n)*?' : `${steady(line).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('<time>', '[^\\n]*')}\\n`))
    .join('');
  return new RegExp(`^${pattern}$`).test(actual.map((l) => `${l}\n`).join(''));
}

describe('docs/writing-a-protocol.md', () => {
  it('has the code and commands this test runs', () => {
    expect([...files.keys()]).toEqual(['register.ts']);
    expect(failing.length).toBeGreaterThan(0);
    expect(commands.length).toBeGreaterThanOrEqual(4);
  });

  it("its model type-checks in a folder of its own, importing only from 'faultline'", () => {
    expect(files.get('register.ts')).toMatch(/from 'faultline';/);
    expect(files.get('register.ts')).not.toMatch(/from '\.\.?\//);
    expect(diagnostics('register.ts'), 'type errors').toEqual([]);
  });

  it('its mistakes fail to compile with the message it shows', () => {
    failing.forEach(({ message }, i) => {
      const name = mistakeName(i);
      const errors = diagnostics(name);
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.some((e) => e.includes(message)), `${errors.join('\n')}\nshould include: ${message}`).toBe(true);
    });
  });

  for (const { args, expected } of commands) {
    it(`$ npx faultline ${args.join(' ')}`, () => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      const actual = r.stdout.replace(/\n$/, '').split('\n').filter((line, i, lines) => !(line === '' && i === lines.length - 1));
      const shown = expected.length === 0 ? [''] : expected;
      expect(matches(r.stdout === '' ? [''] : actual, shown), `output:\n${r.stdout}`).toBe(true);
    });
  }
});
