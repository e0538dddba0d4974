/**
 * The context handed to handlers: it records what a handler sends and which timers it arms or
 * cancels, to be applied to the global state afterwards. One instance per compiled model is
 * reset before every handler call, so a step allocates nothing for it.
 */
import type { Context, NodeDecl, NodeId, Payload } from './types.ts';
import type { Timer } from './world.ts';

export class Effects implements Context<Payload> {
  self: NodeId = '';
  role = '';
  now = 0;
  round = 0;
  readonly sends: [NodeId, Payload][] = [];
  /** Timer changes in order: a name with a deadline (armed) or `undefined` (cancelled). */
  readonly timerOps: [string, number | null | undefined][] = [];
  private readonly peerCache = new Map<string, readonly NodeId[]>();

  constructor(
    private readonly decls: readonly NodeDecl[],
    readonly nodes: readonly NodeId[],
    /** Whether deadlines mean anything (the system model has clocks). */
    private readonly clocks: boolean,
  ) {}

  /** Prepare for a handler of node `self`. */
  reset(self: NodeId, role: string, now: number, round: number): this {
    this.self = self;
    this.role = role;
    this.now = now;
    this.round = round;
    if (this.sends.length > 0) this.sends.length = 0;
    if (this.timerOps.length > 0) this.timerOps.length = 0;
    return this;
  }

  get quiet(): boolean {
    return this.sends.length === 0 && this.timerOps.length === 0;
  }

  peers(role?: string): readonly NodeId[] {
    const key = `${this.self}\u0000${role ?? ''}`;
    let peers = this.peerCache.get(key);
    if (!peers) {
      peers = this.decls.filter((d) => d.id !== this.self && (role === undefined || d.role === role)).map((d) => d.id);
      this.peerCache.set(key, peers);
    }
    return peers;
  }

  send(to: NodeId, payload: Payload): void {
    this.sends.push([to, payload]);
  }

  broadcast(payload: Payload, to: readonly NodeId[] = this.peers()): void {
    for (const id of to) this.sends.push([id, payload]);
  }

  setTimer(name: string, after?: number): void {
    this.timerOps.push([name, this.clocks && after !== undefined ? this.now + after : null]);
  }

  cancelTimer(name: string): void {
    this.timerOps.push([name, undefined]);
  }

  /** A node's timers after this handler's changes (the same array when unchanged). */
  applyTimers(timers: readonly Timer[]): readonly Timer[] {
    if (this.timerOps.length === 0) return timers;
    let out = timers.slice();
    for (const [name, deadline] of this.timerOps) {
      out = out.filter((t) => t.name !== name);
      if (deadline !== undefined) out.push({ name, deadline });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
