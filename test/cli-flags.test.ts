/**
 * Command-line flags mean one thing each (issue 9, items 16 and 20): a flag given twice with
 * different values is a contradiction (exit 2), an option that does nothing under the chosen
 * strategy is a warning, numbers are decimal and checked the same way by every command, and seeds
 * cover exactly the generator's range and print exactly.
 */
import { describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { check, MAX_SEED } from '../src/explore/check.ts';
import { instantiate } from '../src/model/definition.ts';
import { InputError } from '../src/model/errors.ts';
import { faultline as run } from './support/cli.ts';

const TPC = ['check', 'two-phase-commit', '--param', 'rms=1'];

describe('a flag given twice is a contradiction', () => {
  const cases: [string, string[], string][] = [
    ['--variant', [...TPC, '--variant', 'default', '--variant', 'commit-on-some-prepared'], '--variant is given twice'],
    ['--strategy', [...TPC, '--strategy', 'bfs', '--strategy', 'dfs'], '--strategy is given twice'],
    ['--max-depth', [...TPC, '--max-depth', '3', '--max-depth', '4'], '--max-depth is given twice'],
    ['a --faults knob', [...TPC, '--faults', 'crash=1,crash=2'], '--faults sets crash twice'],
    ['a --faults knob across flags', [...TPC, '--faults', 'crash=1', '--faults', 'crash=2'], '--faults sets crash twice'],
    ['a --param', ['check', 'two-phase-commit', '--param', 'rms=1', '--param', 'rms=2'], '--param sets rms twice'],
    ['graph --format', ['graph', 'two-phase-commit', '--format', 'dot', '--format', 'gexf'], '--format is given twice'],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 2 on ${what} given twice`, async () => {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`faultline: ${message}\n`);
    });
  }

  it('still merges distinct --faults knobs given in two flags', async () => {
    const r = await run(...TPC, '--faults', 'crash=1', '--faults', 'crash-nodes=tm', '--json');
    expect(JSON.parse(r.stdout).faults).toMatchObject({ crash: 1, 'crash-nodes': 'tm' });
  });
});

describe('options that do nothing are warned about', () => {
  it('--seed under bfs and --walks under dfs', async () => {
    const seed = await run(...TPC, '--seed', '5', '--json');
    expect(seed.code).toBe(0);
    expect(seed.stderr).toBe('faultline: warning: --seed has no effect with --strategy bfs (it applies to --strategy random)\n');
    const walks = await run(...TPC, '--strategy', 'dfs', '--walks', '10', '--json');
    expect(walks.stderr).toBe('faultline: warning: --walks has no effect with --strategy dfs (it applies to --strategy random)\n');
  });
});

describe('numbers are decimal and checked alike by every command', () => {
  const cases: [string, string[], string][] = [
    ['--time-limit 0x10', [...TPC, '--time-limit', '0x10'], '--time-limit expects seconds > 0 (e.g. 30 or 2.5), got "0x10"'],
    ['--time-limit 1e3', [...TPC, '--time-limit', '1e3'], '--time-limit expects seconds > 0 (e.g. 30 or 2.5), got "1e3"'],
    ['check --max-states 0', [...TPC, '--max-states', '0'], '--max-states expects an integer ≥ 1, got "0"'],
    ['graph --max-states 0', ['graph', 'two-phase-commit', '--format', 'dot', '--max-states', '0'], '--max-states expects an integer ≥ 1, got "0"'],
    ['--walks 0', [...TPC, '--strategy', 'random', '--walks', '0'], '--walks expects an integer ≥ 1, got "0"'],
    ['--max-depth 0x3', [...TPC, '--max-depth', '0x3'], '--max-depth expects a non-negative integer, got "0x3"'],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`faultline: ${message}\n`);
    });
  }

  it('accepts a decimal time limit', async () => {
    const r = await run(...TPC, '--time-limit', '2.5', '--json');
    expect(r.code).toBe(0);
  });
});

describe('seeds: exactly the generator\'s 32-bit range, printed exactly', () => {
  it(`accepts ${MAX_SEED} and prints it as given`, async () => {
    const r = await run(...TPC, '--strategy', 'random', '--walks', '3', '--seed', String(MAX_SEED), '--json');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`"seed": ${MAX_SEED},`);
    const text = await run(...TPC, '--strategy', 'random', '--walks', '3', '--seed', String(MAX_SEED));
    expect(text.stdout).toContain(`seed ${MAX_SEED} (rerun with --seed ${MAX_SEED})`);
  });

  for (const seed of [String(2 ** 32), '99999999999999999999999', '-1', '1.5']) {
    it(`refuses --seed ${seed} instead of wrapping it`, async () => {
      const r = await run(...TPC, '--strategy', 'random', '--seed', seed);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`faultline: --seed expects an integer from 0 to ${MAX_SEED}, got "${seed}"\n`);
    });
  }

  it('check() refuses a seed outside the range', () => {
    const model = instantiate(twoPhaseCommit, { params: { rms: 1 }, variant: 'default' });
    expect(() => check(model, { strategy: 'random', seed: 2 ** 32 })).toThrow(InputError);
    expect(() => check(model, { strategy: 'random', seed: 2 ** 53 + 2 })).toThrow(InputError);
  });
});
