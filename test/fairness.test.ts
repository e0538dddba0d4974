import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/model/errors.ts';
import { fairnessClass, formatFairness, formatFairnessList, parseFairness } from '../src/model/fairness.ts';
import { FAULT_STEP_KINDS, type Fairness, type StepKind } from '../src/model/model.ts';

const KINDS: StepKind[] = ['action', 'deliver', 'drop', 'heal', 'crash', 'recover', 'timer', 'local', 'tick'];
const word = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,6}$/);

const entryArb: fc.Arbitrary<Fairness> = fc
  .record(
    {
      strength: fc.constantFrom('weak' as const, 'strong' as const),
      kind: fc.oneof(fc.constantFrom(...KINDS), fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 2, maxLength: 3 })),
      node: word,
      name: word,
      per: fc.constantFrom('node' as const, 'all' as const),
    },
    { requiredKeys: ['strength'] },
  )
  .map((f) => f as Fairness);

describe('--fairness syntax', () => {
  it('parses what it formats, entry by entry and as a list', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 4 }), (entries) => {
        expect(parseFairness(formatFairnessList(entries))).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the documented examples', () => {
    expect(parseFairness('none')).toEqual([]);
    expect(parseFairness('weak:*')).toEqual([{ strength: 'weak' }]);
    expect(parseFairness(' weak:deliver , weak:local/node, strong:heal ')).toEqual([
      { strength: 'weak', kind: 'deliver' },
      { strength: 'weak', kind: 'local', per: 'node' },
      { strength: 'strong', kind: 'heal' },
    ]);
    expect(parseFairness('strong:deliver+timer#Prepared@tm/all')).toEqual([
      { strength: 'strong', kind: ['deliver', 'timer'], node: 'tm', name: 'Prepared', per: 'all' },
    ]);
    expect(formatFairness({ strength: 'weak', kind: 'local', node: 'rm1', per: 'action' })).toBe('weak:local@rm1');
  });

  const bad: [string, RegExp][] = [
    ['', /expects "none" or entries/],
    ['weak', /must look like strength:kinds/],
    ['fair:deliver', /strength must be weak or strong, got "fair"/],
    ['weak:delvier', /unknown step kind "delvier"/],
    ['weak:deliver+deliver', /given twice/],
    ['weak:', /missing step kinds/],
    ['weak:@rm1', /missing step kinds/],
    ['weak:deliver/each', /per must be action, node or all, got "each"/],
    ['weak:deliver@', /empty node/],
    ['weak:deliver@a@b', /node given twice/],
    ['weak:deliver,,strong:heal', /empty entry/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects "${spec}" with one line naming the problem`, () => {
      let caught: unknown;
      try {
        parseFairness(spec);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    });
  }
});

describe('fairness class membership', () => {
  const label = () => 'deliver Prepared rm1→tm';

  it('never makes an injected fault fair unless its kind is named', () => {
    for (const kind of FAULT_STEP_KINDS) {
      expect(fairnessClass({ strength: 'strong' }, { kind, node: 'n1' }, label)).toBeNull();
      expect(fairnessClass({ strength: 'strong', kind }, { kind, node: 'n1' }, label)).not.toBeNull();
    }
    expect(fairnessClass({ strength: 'weak' }, { kind: 'timer', node: 'n1' }, label)).not.toBeNull();
  });

  it('counts the recipient as the node of a delivery, and groups per action, node or all', () => {
    const info = { kind: 'deliver' as const, from: 'rm1', to: 'tm', message: 'Prepared', name: 'Prepared' };
    expect(fairnessClass({ strength: 'weak', node: 'tm' }, info, label)).toBe(label());
    expect(fairnessClass({ strength: 'weak', node: 'rm1' }, info, label)).toBeNull();
    expect(fairnessClass({ strength: 'weak', per: 'node' }, info, label)).toBe('tm');
    expect(fairnessClass({ strength: 'weak', per: 'all' }, info, label)).toBe('');
    expect(fairnessClass({ strength: 'weak', name: 'Prepared' }, info, label)).toBe(label());
    expect(fairnessClass({ strength: 'weak', name: 'Commit' }, info, label)).toBeNull();
    // Without a step name, the label is the name.
    expect(fairnessClass({ strength: 'weak', name: 'TMCommit' }, { kind: 'action' }, () => 'TMCommit')).toBe('TMCommit');
  });
});
