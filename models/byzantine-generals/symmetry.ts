/**
 * Choices up to symmetry, for the reduced models: when loyal lieutenants are interchangeable in
 * a state (renaming one into another maps the state to itself), the traitors' choices for them
 * need only be made in non-decreasing order along each class of interchangeable lieutenants.
 * Any other assignment is the image of a kept one under a renaming that fixes the state, so its
 * successor is the image of a kept successor — a state the symmetric view identifies with it
 * anyway. This keeps one successor per orbit (3 recipients with 2 options: 4, not 8).
 */

/** Recipients grouped by equal `key`, each class in the order of `recipients`. */
export function classesBy(recipients: readonly number[], key: (k: number) => string | number): number[][] {
  const byKey = new Map<string | number, number[]>();
  for (const k of recipients) {
    const kk = key(k);
    const cls = byKey.get(kk);
    if (cls) cls.push(k);
    else byKey.set(kk, [k]);
  }
  return [...byKey.values()];
}

/** Number of non-decreasing sequences of length `g` over `b` options: C(g + b − 1, g). */
function multisets(g: number, b: number): number {
  let c = 1;
  for (let i = 1; i <= g; i++) c = (c * (b - 1 + i)) / i;
  return Math.round(c);
}

/**
 * One assignment of an option to every recipient per orbit: within each class the chosen
 * option indices never decrease (members of a class must have the same options). Each
 * assignment lists [recipient, option] in class order. Throws when there would be more than
 * `limit` assignments: the state has too many successors to explore.
 */
export function symmetricChoices<T>(
  classes: readonly (readonly number[])[],
  optionsOf: (k: number) => readonly T[],
  limit: number,
  what: string,
): [number, T][][] {
  let count = 1;
  for (const cls of classes) count *= multisets(cls.length, optionsOf(cls[0]).length);
  if (count > limit) throw new Error(`${what}: ${count.toExponential(1)} traitor choices from one state, too many to explore`);
  let out: [number, T][][] = [[]];
  for (const cls of classes) {
    const options = optionsOf(cls[0]);
    const sequences: number[][] = [];
    const extend = (seq: number[]) => {
      if (seq.length === cls.length) return void sequences.push(seq);
      for (let i = seq.length === 0 ? 0 : seq[seq.length - 1]; i < options.length; i++) extend([...seq, i]);
    };
    extend([]);
    out = out.flatMap((prefix) => sequences.map((seq) => [...prefix, ...seq.map((i, q) => [cls[q], options[i]] as [number, T])]));
  }
  return out;
}
