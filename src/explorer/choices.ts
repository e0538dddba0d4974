/**
 * The steps enabled in a state, as the page offers them: grouped by what they are — the
 * protocol's own steps (deliveries, local actions, timers, time, rounds) first, then one group per
 * fault kind with what is left of its budget — and each with a preview of what it would do: the
 * leaves of the state it changes, and the properties the next state would break.
 *
 * Budgets come from the model's own account: `model.faults` (the knobs in force) and the
 * `faults` record of the shown state (`crash: "0/1"`: used/budget), which protocol models keep.
 */
import { FAULT_STEP_KINDS, stepInfo, type Model, type StepInfo, type StepKind } from '../model/model.ts';
import type { Always, Transition } from '../model/property.ts';
import { diff } from '../report/diff.ts';
import { DEADLOCK } from '../explore/monitor.ts';

/** One enabled step. */
export interface Choice {
  /** Its index in `actions(state)`: what the path records. */
  readonly index: number;
  readonly label: string;
  readonly info: StepInfo;
  /** What it changes in the shown state, one line per leaf (at most `PREVIEW` lines). */
  readonly changes: readonly string[];
  /** Invariants that hold here and fail in the next state, step invariants the step breaks, and a deadlock it leads to. */
  readonly breaks: readonly string[];
  /** The step the path already takes next (Forward). */
  readonly recorded: boolean;
}

/** How much of a fault's budget is left. */
export interface Budget {
  /** Used so far, when the shown state tells. */
  readonly used?: number;
  readonly total: number;
}

export interface Group {
  readonly kind: StepKind;
  readonly title: string;
  readonly fault: boolean;
  readonly budget?: Budget;
  readonly choices: readonly Choice[];
}

const TITLES: Record<StepKind, string> = {
  init: 'Initial states',
  action: 'Steps',
  deliver: 'Deliveries',
  local: 'Local actions',
  timer: 'Timers',
  tick: 'Time',
  round: 'Rounds',
  drop: 'Drop a message',
  duplicate: 'Duplicate a message',
  partition: 'Partition the network',
  heal: 'Heal the partition',
  crash: 'Crash a node',
  recover: 'Recover a node',
  pause: 'Pause a process',
  resume: 'Resume a paused process',
  byzantine: 'Byzantine sends',
};

/** Group order: the protocol's steps, then the faults (each fault before the step that undoes it). */
const ORDER: readonly StepKind[] = ['deliver', 'local', 'timer', 'tick', 'round', 'action', 'drop', 'duplicate', 'partition', 'heal', 'crash', 'recover', 'pause', 'resume', 'byzantine', 'init'];

/** The budget knob each fault kind spends (`--faults` names); heal and resume spend none. */
const BUDGET: Partial<Record<StepKind, string>> = {
  drop: 'drop',
  duplicate: 'duplicate',
  partition: 'partition',
  crash: 'crash',
  recover: 'recover',
  pause: 'pause',
  byzantine: 'lies',
};

/** Lines of change shown per step. */
const PREVIEW = 6;

function budgetOf(model: Model<unknown, unknown>, shown: unknown, kind: StepKind): Budget | undefined {
  const knob = BUDGET[kind];
  if (knob === undefined) return undefined;
  const account = typeof shown === 'object' && shown !== null ? (shown as Record<string, unknown>).faults : undefined;
  const entry = typeof account === 'object' && account !== null ? (account as Record<string, unknown>)[knob] : undefined;
  const m = typeof entry === 'string' ? /^(\d+)\/(\d+)$/.exec(entry) : null;
  if (m) return { used: Number(m[1]), total: Number(m[2]) };
  const total = model.faults?.[knob];
  return typeof total === 'number' && total > 0 ? { total } : undefined;
}

/** One line per changed leaf: `rm1.state: "working" → "prepared"`, `network: + Prepared rm1→tm`. */
export function changeLines(before: unknown, after: unknown): string[] {
  const lines = diff(before, after).map((c) => {
    if (c.added !== undefined && c.removed !== undefined) {
      return `${c.path}: ${[...c.added.map((x) => `+ ${x}`), ...c.removed.map((x) => `− ${x}`)].join(', ')}`;
    }
    return `${c.path}: ${c.before ?? '(new)'} → ${c.after ?? '(gone)'}`;
  });
  return lines.length > PREVIEW ? [...lines.slice(0, PREVIEW - 1), `… and ${lines.length - PREVIEW + 1} more`] : lines;
}

/** The enabled steps of `s`, grouped; `recorded` is the path's next choice here, if any. */
export function choices<S, A>(model: Model<S, A>, s: S, recorded: number | undefined): Group[] {
  const show = (x: S): unknown => (model.show ? model.show(x) : x);
  const shown = show(s);
  // Only invariants that hold here can be broken by a step.
  const always = model.properties.filter((p): p is Always<S> => p.kind === 'always' && p.holds(s));
  const transitions = model.properties.filter((p): p is Transition<S, A> => p.kind === 'transition');
  const deadlock = model.checkDeadlock !== false;
  const groups = new Map<StepKind, Choice[]>();
  model.actions(s).forEach((a, index) => {
    const info = stepInfo(model, a);
    const t = model.next(s, a);
    const breaks = [
      ...always.filter((p) => !p.holds(t)).map((p) => p.name),
      ...transitions.filter((p) => !p.holds(s, a, t)).map((p) => p.name),
      ...(deadlock && model.actions(t).length === 0 && !model.terminal?.(t) ? [DEADLOCK] : []),
    ];
    const list = groups.get(info.kind) ?? [];
    list.push({ index, label: model.label(a), info, changes: changeLines(shown, show(t)), breaks, recorded: index === recorded });
    groups.set(info.kind, list);
  });
  const out: Group[] = [];
  for (const kind of ORDER) {
    const list = groups.get(kind) ?? [];
    const budget = budgetOf(model as Model<unknown, unknown>, shown, kind);
    // A fault with a budget is listed even when none of its steps is enabled here, or it is used up.
    if (list.length === 0 && budget === undefined) continue;
    out.push({ kind, title: TITLES[kind], fault: FAULT_STEP_KINDS.has(kind), ...(budget ? { budget } : {}), choices: list });
  }
  return out;
}
