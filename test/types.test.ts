/**
 * The authoring API's types catch the typos of issue 11. `test/types/typos.ts` marks each typo
 * with `@ts-expect-error <the error it expects>`; here the fixture is compiled with those
 * directives switched off, and every marked line must fail for the reason named — and no other
 * line fail — so a typo that compiles, or fails for some unrelated reason, is caught.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./types/typos.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const DIRECTIVE = /\/\/ @ts-expect-error (.+)$/;

interface Expected {
  /** 1-based line that must fail. */
  readonly line: number;
  readonly message: string;
}

const source = readFileSync(fixture, 'utf8');
const expected: Expected[] = source.split('\n').flatMap((text, i) => {
  const m = DIRECTIVE.exec(text);
  return m ? [{ line: i + 2, message: m[1] }] : [];
});

/** The fixture's errors, by line, with its directives switched off (same compiler options as `npm run typecheck`). */
function errorsWithoutDirectives(): Map<number, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${tsconfig}`);
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  const switchedOff = source.replaceAll('@ts-expect-error', 'expect-error (off)');
  host.getSourceFile = (name, language, ...rest) =>
    name === fixture ? ts.createSourceFile(name, switchedOff, language, true) : read(name, language, ...rest);
  const program = ts.createProgram([fixture], config.options, host);
  const errors = new Map<number, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file?.fileName !== fixture || d.start === undefined) throw new Error(`unexpected error: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1;
    errors.set(line, [...(errors.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
  }
  return errors;
}

describe('typos in a model do not compile', () => {
  let errors: Map<number, string[]>;
  // A full type check of the fixture and the package it imports: seconds, not milliseconds.
  beforeAll(() => {
    errors = errorsWithoutDirectives();
  }, 120_000);

  it('the fixture marks every typo of the issue', () => {
    const typos = ['valeu', 'maxx', 'slopy', '"stat"', "'stat'", '"tmx"', '"tmm"', 'never', '"lossyy"'];
    for (const typo of typos) expect(expected.some((e) => e.message.includes(typo)), typo).toBe(true);
  });

  for (const { line, message } of expected) {
    it(`line ${line}: ${message}`, () => {
      expect(errors.get(line) ?? [], source.split('\n')[line - 1].trim()).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    });
  }

  it('nothing else fails to compile', () => {
    const unmarked = [...errors.keys()].filter((line) => !expected.some((e) => e.line === line));
    expect(unmarked.map((line) => `${line}: ${errors.get(line)!.join(' / ')}`)).toEqual([]);
  });
});
