/**
 * Fairness assumptions as text, and the rule that puts an action into a fairness class.
 *
 * Text syntax (the `--fairness` flag, and how reports name an assumption): `none`, or a
 * comma-separated list of entries `strength:kinds[@node][#name][/per]`, where
 * - `strength` is `weak` or `strong`;
 * - `kinds` is `*` (every protocol step kind) or step kinds joined by `+` (`deliver+timer`);
 * - `@node` keeps only steps taken by (or, for `deliver`, delivered to) that node;
 * - `#name` keeps only steps with that name (`StepInfo.name`, or else the label);
 * - `/per` groups the selected steps into classes: `action` (default), `node` or `all`.
 *
 * Examples: `weak:*` (every protocol action weakly fair), `weak:deliver,weak:local/node,strong:heal`.
 */
import { InputError } from './errors.ts';
import { FAULT_STEP_KINDS, STEP_KINDS, type Fairness, type StepInfo, type StepKind } from './model.ts';

/** Every step kind, checked against the `StepKind` union by the compiler. */
const PERS = ['action', 'node', 'all'] as const;

/** The kinds an entry selects, or null for "every step kind that is not an injected fault". */
function selectedKinds(f: Fairness): readonly StepKind[] | null {
  if (f.kind === undefined) return null;
  return typeof f.kind === 'string' ? [f.kind] : (f.kind as readonly StepKind[]);
}

/** The node a step belongs to for fairness: the recipient of a delivery, otherwise the actor. */
export function fairnessNode(info: StepInfo): string | undefined {
  return info.kind === 'deliver' ? (info.to ?? info.node) : info.node;
}

/**
 * The class of `entry` that a step belongs to, as a key unique within the entry, or null when the
 * entry does not select the step. Injected faults are selected only when the entry names their
 * kind: the checker never forces a fault to happen unless the model assumes it explicitly.
 */
export function fairnessClass(entry: Fairness, info: StepInfo, label: () => string): string | null {
  const kinds = selectedKinds(entry);
  if (kinds === null ? FAULT_STEP_KINDS.has(info.kind) : !kinds.includes(info.kind)) return null;
  const node = fairnessNode(info);
  if (entry.node !== undefined && node !== entry.node) return null;
  if (entry.name !== undefined && (info.name ?? label()) !== entry.name) return null;
  const per = entry.per ?? 'action';
  return per === 'all' ? '' : per === 'node' ? (node ?? '') : label();
}

/**
 * The first entry naming a node that is not one of `nodes`, with the message that says so, or
 * null. Models that do not declare their nodes cannot be checked here (nothing is unknown).
 */
export function unknownFairnessNode(entries: readonly Fairness[], nodes: readonly string[] | undefined): string | null {
  if (nodes === undefined) return null;
  const bad = entries.find((f) => f.node !== undefined && !nodes.includes(f.node));
  return bad ? `fairness entry "${formatFairness(bad)}" names unknown node "${bad.node}" (nodes: ${nodes.join(', ')})` : null;
}

/** An entry in the `--fairness` syntax, e.g. `weak:deliver@rm1/node`. */
export function formatFairness(f: Fairness): string {
  const kinds = selectedKinds(f);
  let text = `${f.strength}:${kinds === null ? '*' : kinds.join('+')}`;
  if (f.node !== undefined) text += `@${f.node}`;
  if (f.name !== undefined) text += `#${f.name}`;
  if (f.per !== undefined && f.per !== 'action') text += `/${f.per}`;
  return text;
}

/** A list of entries in the `--fairness` syntax (`none` when empty). */
export function formatFairnessList(fs: readonly Fairness[]): string {
  return fs.length === 0 ? 'none' : fs.map(formatFairness).join(',');
}

function parseEntry(text: string): Fairness {
  const where = `--fairness entry "${text}"`;
  const colon = text.indexOf(':');
  if (colon < 0) throw new InputError(`${where} must look like strength:kinds[@node][#name][/per], e.g. weak:deliver`);
  const strength = text.slice(0, colon).trim();
  if (strength !== 'weak' && strength !== 'strong') throw new InputError(`${where}: strength must be weak or strong, got "${strength}"`);
  const rest = text.slice(colon + 1);
  const parts = rest.split(/(?=[@#/])/);
  const kindText = parts[0].trim();
  if (kindText === '' || /^[@#/]/.test(kindText)) throw new InputError(`${where}: missing step kinds (use * for every protocol step)`);
  let kind: StepKind[] | undefined;
  if (kindText !== '*') {
    kind = [];
    for (const k of kindText.split('+').map((x) => x.trim())) {
      if (!(STEP_KINDS as readonly string[]).includes(k)) throw new InputError(`${where}: unknown step kind "${k}" (kinds: *, ${STEP_KINDS.join(', ')})`);
      if (kind.includes(k as StepKind)) throw new InputError(`${where}: step kind "${k}" given twice`);
      kind.push(k as StepKind);
    }
  }
  const entry: { strength: 'weak' | 'strong'; kind?: StepKind | StepKind[]; node?: string; name?: string; per?: (typeof PERS)[number] } = { strength };
  if (kind !== undefined) entry.kind = kind.length === 1 ? kind[0] : kind;
  const given = new Set<string>();
  for (const part of parts.slice(1)) {
    const sigil = part[0];
    const value = part.slice(1).trim();
    const what = sigil === '@' ? 'node' : sigil === '#' ? 'name' : 'per';
    if (given.has(sigil)) throw new InputError(`${where}: ${what} given twice`);
    given.add(sigil);
    if (value === '') throw new InputError(`${where}: empty ${what} after "${sigil}"`);
    if (sigil === '@') entry.node = value;
    else if (sigil === '#') entry.name = value;
    else if ((PERS as readonly string[]).includes(value)) entry.per = value as (typeof PERS)[number];
    else throw new InputError(`${where}: per must be action, node or all, got "${value}"`);
  }
  return entry;
}

/**
 * Parse the `--fairness` syntax (see the module comment). Throws an `InputError` naming the
 * faulty entry.
 */
export function parseFairness(spec: string): Fairness[] {
  const text = spec.trim();
  if (text === 'none') return [];
  if (text === '') throw new InputError('--fairness expects "none" or entries like weak:deliver,strong:heal');
  return text.split(',').map((item) => {
    if (item.trim() === '') throw new InputError(`--fairness "${spec}" has an empty entry`);
    return parseEntry(item.trim());
  });
}
