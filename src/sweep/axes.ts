/**
 * The axes of a sweep: `--param n=3..7` (an inclusive integer range), `--param order=ATTACK,RETREAT`
 * (a list) or `--param m=1` (one value), and the cells they span — their cartesian product in a
 * stable order: the first axis varies slowest, values in the order given.
 */
import { InputError } from '../model/errors.ts';

export interface Axis {
  readonly name: string;
  /** Raw values, as a param would be given to `check`. */
  readonly values: readonly string[];
}

/** A sweep larger than this is almost certainly a typo in a range. */
export const MAX_CELLS = 10_000;

/** Parse one `name=spec` assignment into an axis. */
export function parseAxis(item: string): Axis {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new InputError(`--param expects name=value, name=a..b or name=v1,v2, got "${item}"`);
  const name = item.slice(0, eq).trim();
  const spec = item.slice(eq + 1).trim();
  if (spec.includes('..')) {
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(spec);
    if (!range) throw new InputError(`--param ${name}: a range is two integers a..b, got "${spec}"`);
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    if (lo > hi) throw new InputError(`--param ${name}: the range ${spec} is empty (write the low end first)`);
    if (hi - lo + 1 > MAX_CELLS) throw new InputError(`--param ${name}: the range ${spec} has more than ${MAX_CELLS} values`);
    return { name, values: Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i)) };
  }
  const values = spec.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new InputError(`--param ${name}: empty value in "${spec}"`);
  return { name, values };
}

/** Parse every `--param` of a sweep; a name may appear once. */
export function parseAxes(items: readonly string[]): Axis[] {
  const axes = items.map(parseAxis);
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new InputError(`--param ${a.name} is given twice`);
    seen.add(a.name);
  }
  const cells = axes.reduce((product, a) => product * a.values.length, 1);
  if (cells > MAX_CELLS) throw new InputError(`the sweep has ${cells} cells, more than ${MAX_CELLS}`);
  return axes;
}

/** Every cell: one value per axis, the first axis varying slowest. */
export function cells(axes: readonly Axis[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const axis of axes) out = out.flatMap((cell) => axis.values.map((v) => ({ ...cell, [axis.name]: v })));
  return out;
}
