/** How messages read in step labels and shown states: `Vote(term=2, granted=true) rm1→rm2`. */
import type { MessageTable } from './network.ts';
import type { Payload } from './types.ts';

/** `Prepared` or `Vote(term=2, granted=true)`: a payload in one short phrase. */
export function messageText(p: Payload): string {
  const fields = Object.entries(p).filter(([k]) => k !== 'type');
  if (fields.length === 0) return p.type;
  return `${p.type}(${fields.map(([k, v]) => `${k}=${compact(v)}`).join(', ')})`;
}

/** A value in a label: strings bare, arrays and records in brackets, without spaces. */
export function compact(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(compact).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}:${compact(x)}`).join(',')}}`;
  return String(v);
}

/** `Prepared rm2→tm`: an interned message with its sender and recipient. */
export function envelopeText(messages: MessageTable, id: number): string {
  const e = messages.get(id);
  return `${messageText(e.payload)} ${e.from}→${e.to}`;
}
