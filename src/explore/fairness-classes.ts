/**
 * Fairness classes as small integers. Every edge of the state graph carries the set of classes
 * its action belongs to; sets are interned too, so an edge stores one int32 (set 0 is empty).
 */
import { fairnessClass, formatFairness } from '../model/fairness.ts';
import { stepInfo, type Fairness, type Model } from '../model/model.ts';

export class FairnessClasses<S, A> {
  /** Per class: whether it is strongly (rather than weakly) fair. */
  readonly strong: boolean[] = [];
  /** Per class: index of the fairness entry it comes from. */
  readonly entryOf: number[] = [];
  /** Per class: what makes it a class within its entry (action label, node, or '' for `all`). */
  readonly key: string[] = [];
  /** Per class-set id: its class ids in ascending order. */
  readonly sets: number[][] = [[]];
  /** The entries in the `--fairness` syntax. */
  readonly specs: readonly string[];
  private readonly ids: Map<string, number>[];
  private readonly singletons: number[] = [];
  private readonly setIds = new Map<string, number>();
  /** The action being classified and its label, computed at most once and only when needed. */
  private action: A | undefined;
  private label: string | undefined;
  /** One function for every call (no closure per edge: classification runs once per edge). */
  private readonly labelOfAction = (): string => (this.label ??= this.model.label(this.action as A));

  constructor(
    private readonly model: Model<S, A>,
    readonly entries: readonly Fairness[],
  ) {
    this.ids = entries.map(() => new Map());
    this.specs = entries.map(formatFairness);
  }

  /** Number of classes met so far. */
  get size(): number {
    return this.strong.length;
  }

  /** The class set of an action (0 when no fairness entry selects it). */
  classify(a: A): number {
    const entries = this.entries;
    if (entries.length === 0) return 0;
    const info = stepInfo(this.model, a);
    this.action = a;
    this.label = undefined;
    let first = -1;
    let more: number[] | null = null;
    for (let j = 0; j < entries.length; j++) {
      const key = fairnessClass(entries[j], info, this.labelOfAction);
      if (key === null) continue;
      const c = this.intern(j, key);
      if (first < 0) first = c;
      else (more ??= [first]).push(c);
    }
    if (first < 0) return 0;
    if (more === null) return (this.singletons[first] ??= this.internSet([first]));
    more.sort((x, y) => x - y);
    return this.internSet(more);
  }

  /** A short name of a class for reports: its action label, its node, or its entry. */
  name(c: number): string {
    const key = this.key[c];
    const per = this.entries[this.entryOf[c]].per ?? 'action';
    return per === 'all' ? formatFairness(this.entries[this.entryOf[c]]) : per === 'node' ? `node ${key || '(none)'}` : key;
  }

  private intern(entry: number, key: string): number {
    const known = this.ids[entry].get(key);
    if (known !== undefined) return known;
    const c = this.strong.length;
    this.ids[entry].set(key, c);
    this.strong.push(this.entries[entry].strength === 'strong');
    this.entryOf.push(entry);
    this.key.push(key);
    return c;
  }

  private internSet(classes: number[]): number {
    const key = classes.join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(classes);
      this.setIds.set(key, id);
    }
    return id;
  }
}
