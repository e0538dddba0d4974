/**
 * Safety monitoring shared by every search strategy: which properties are still being checked,
 * which have failed (with the path that shows it), and which `sometimes` witnesses were found.
 */
import type { Model } from '../model/model.ts';
import type { Always, PropertyKind, Sometimes, Transition } from '../model/property.ts';
import type { Path } from '../trace/trace.ts';

export interface FoundViolation {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  readonly path: Path;
}

export const DEADLOCK = 'deadlock';

export class SafetyMonitor<S, A> {
  private always: Always<S>[];
  private transitions: Transition<S, A>[];
  private pending: Sometimes<S>[];
  readonly witnessDepth = new Map<string, number>();
  readonly found: FoundViolation[] = [];
  readonly checkDeadlock: boolean;
  private deadlockFound = false;

  constructor(
    readonly model: Model<S, A>,
    /** Keep searching after the first violation (`--all`). */
    readonly all: boolean,
  ) {
    const props = model.properties;
    this.always = props.filter((p): p is Always<S> => p.kind === 'always');
    this.transitions = props.filter((p): p is Transition<S, A> => p.kind === 'transition');
    this.pending = props.filter((p): p is Sometimes<S> => p.kind === 'sometimes');
    this.checkDeadlock = model.checkDeadlock !== false;
  }

  /** True when there is nothing left that could fail on a step (no transition properties). */
  get checksSteps(): boolean {
    return this.transitions.length > 0;
  }

  /** True once the search may stop: a violation without `--all`. */
  get done(): boolean {
    return this.found.length > 0 && !this.all;
  }

  /** Check invariants and witnesses on a newly reached state; `path` is called only on failure. */
  state(s: S, depth: number, path: () => Path): void {
    const always = this.always;
    for (let i = 0; i < always.length; i++) {
      if (!always[i].holds(s)) {
        const p = always[i];
        this.found.push({ property: p.name, kind: 'always', description: p.description, path: path() });
        always.splice(i--, 1);
        if (!this.all) return;
      }
    }
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) {
      if (pending[i].holds(s)) {
        this.witnessDepth.set(pending[i].name, depth);
        pending.splice(i--, 1);
      }
    }
  }

  /** Check step invariants on s —a→ t; `path` leads to t and is called only on failure. */
  step(s: S, a: A, t: S, path: () => Path): void {
    const transitions = this.transitions;
    for (let i = 0; i < transitions.length; i++) {
      if (!transitions[i].holds(s, a, t)) {
        const p = transitions[i];
        this.found.push({ property: p.name, kind: 'transition', description: p.description, path: path() });
        transitions.splice(i--, 1);
        if (!this.all) return;
      }
    }
  }

  /**
   * Take in what another monitor of the same search found (a worker thread's, a checkpoint's):
   * the first violation of each property (only the first of all without `--all`) and the
   * shallowest witness of each `sometimes`. A parallel search hands findings over level by level,
   * so the first one taken in is a shortest one.
   */
  absorb(found: readonly FoundViolation[], witnesses: Iterable<readonly [string, number]>): void {
    for (const v of found) {
      if (this.done) break;
      if (!this.found.some((f) => f.property === v.property)) this.found.push(v);
    }
    for (const [name, depth] of witnesses) {
      const known = this.witnessDepth.get(name);
      if (known === undefined || depth < known) this.witnessDepth.set(name, depth);
    }
  }

  /** Report `s` (which has no enabled action) as a deadlock unless it is a legal end state. */
  stuck(s: S, path: () => Path): void {
    if (!this.checkDeadlock || this.deadlockFound) return;
    if (this.model.terminal?.(s)) return;
    this.deadlockFound = true;
    this.found.push({
      property: DEADLOCK,
      kind: 'deadlock',
      description: 'a state that is not a legal end state has no enabled action',
      path: path(),
    });
  }
}
