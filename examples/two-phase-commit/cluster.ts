/**
 * A small two-phase-commit implementation, written as application code: a coordinator and its
 * participants exchange messages over a network, and each keeps its log on a disk that survives
 * a crash. Nothing here knows about faultline. The network is in memory and delivers a message
 * only when told to — the hook a test needs to decide the order of events, and which messages
 * are lost.
 *
 * `HastyCoordinator` carries a bug on purpose: it commits as soon as one participant has voted,
 * the mistake the model's `commit-on-some-prepared` variant describes.
 */

export type Message = { readonly type: 'Prepared' } | { readonly type: 'Commit' } | { readonly type: 'Abort' };

export interface Envelope {
  readonly from: string;
  readonly to: string;
  readonly message: Message;
}

/** An in-memory network: a sent message waits until it is delivered or lost. */
export class Network {
  private readonly waiting: Envelope[] = [];

  send(from: string, to: string, message: Message): void {
    this.waiting.push({ from, to, message });
  }

  /** Take a waiting message off the network. */
  take(from: string, to: string, type: string): Envelope {
    const i = this.waiting.findIndex((e) => e.from === from && e.to === to && e.message.type === type);
    if (i < 0) throw new Error(`no ${type} ${from}→${to} is in flight`);
    return this.waiting.splice(i, 1)[0];
  }

  inFlight(): readonly Envelope[] {
    return [...this.waiting];
  }
}

/** Stable storage: what a node writes here survives its crash. */
export class Disk<T> {
  constructor(private value: T) {}

  read(): T {
    return this.value;
  }

  write(value: T): void {
    this.value = value;
  }
}

export type Decision = 'pending' | 'committed' | 'aborted';

/** The coordinator: it collects votes in memory and forces its decision to its log before telling anyone. */
export class Coordinator {
  /** Who has voted to commit; in memory, so a crash loses it. */
  protected readonly votes = new Set<string>();

  constructor(
    readonly id: string,
    readonly participants: readonly string[],
    private readonly network: Network,
    private readonly log: Disk<Decision>,
  ) {}

  get decision(): Decision {
    return this.log.read();
  }

  hasVoted(participant: string): boolean {
    return this.votes.has(participant);
  }

  /** A participant is prepared to commit. Once all are, the coordinator commits. */
  onPrepared(from: string): void {
    if (this.decision !== 'pending') return;
    this.votes.add(from);
    if (this.readyToCommit()) this.decide('committed');
  }

  /** The coordinator stops waiting for votes: an undecided transaction is aborted. */
  timeout(): void {
    if (this.decision === 'pending') this.decide('aborted');
  }

  protected readyToCommit(): boolean {
    return this.participants.every((p) => this.votes.has(p));
  }

  private decide(decision: 'committed' | 'aborted'): void {
    this.log.write(decision);
    for (const p of this.participants) this.network.send(this.id, p, { type: decision === 'committed' ? 'Commit' : 'Abort' });
  }
}

/** The bug: commits once any participant is prepared, without waiting for the others. */
export class HastyCoordinator extends Coordinator {
  protected override readyToCommit(): boolean {
    return this.votes.size > 0;
  }
}

export type ParticipantState = 'working' | 'prepared' | 'committed' | 'aborted';

/** A participant: it votes, or gives up before voting, and applies the coordinator's decision. */
export class Participant {
  constructor(
    readonly id: string,
    private readonly coordinator: string,
    private readonly network: Network,
    private readonly log: Disk<ParticipantState>,
  ) {}

  get state(): ParticipantState {
    return this.log.read();
  }

  /** Vote to commit: the participant promises to commit its part if told to. */
  prepare(): void {
    if (this.state !== 'working') throw new Error(`${this.id} cannot prepare: it is ${this.state}`);
    this.log.write('prepared');
    this.network.send(this.id, this.coordinator, { type: 'Prepared' });
  }

  /** Give up before voting (its part cannot be committed). */
  abort(): void {
    if (this.state !== 'working') throw new Error(`${this.id} cannot abort on its own: it is ${this.state}`);
    this.log.write('aborted');
  }

  onDecision(message: Message): void {
    if (message.type === 'Commit') this.log.write('committed');
    else if (message.type === 'Abort') this.log.write('aborted');
  }
}

export type CoordinatorClass = new (id: string, participants: readonly string[], network: Network, log: Disk<Decision>) => Coordinator;

/**
 * A coordinator `tm` and participants on one network. A crash loses a node's process (and what
 * it held in memory); a restart builds it again from its disk.
 */
export class Cluster {
  readonly network = new Network();
  private readonly coordinatorLog = new Disk<Decision>('pending');
  private readonly participantLogs: Map<string, Disk<ParticipantState>>;
  private coordinatorProcess: Coordinator | null;
  private readonly participantProcesses = new Map<string, Participant>();

  constructor(
    readonly participantIds: readonly string[],
    private readonly coordinatorClass: CoordinatorClass = Coordinator,
    readonly coordinatorId = 'tm',
  ) {
    this.participantLogs = new Map(participantIds.map((id) => [id, new Disk<ParticipantState>('working')]));
    this.coordinatorProcess = this.startCoordinator();
    for (const id of participantIds) this.participantProcesses.set(id, this.startParticipant(id));
  }

  /** The running coordinator; throws while it is down. */
  get coordinator(): Coordinator {
    if (!this.coordinatorProcess) throw new Error(`${this.coordinatorId} is down`);
    return this.coordinatorProcess;
  }

  /** A running participant; throws while it is down. */
  participant(id: string): Participant {
    const p = this.participantProcesses.get(id);
    if (!p) throw new Error(this.participantLogs.has(id) ? `${id} is down` : `no participant ${id}`);
    return p;
  }

  isDown(id: string): boolean {
    return id === this.coordinatorId ? this.coordinatorProcess === null : !this.participantProcesses.has(id);
  }

  /** The coordinator's logged decision (readable while it is down). */
  decision(): Decision {
    return this.coordinatorLog.read();
  }

  /** A participant's logged state (readable while it is down). */
  participantState(id: string): ParticipantState {
    return this.participantLogs.get(id)!.read();
  }

  /** Hand a waiting message to its recipient. */
  deliver(from: string, to: string, type: string): void {
    const { message } = this.network.take(from, to, type);
    if (to === this.coordinatorId) {
      if (message.type === 'Prepared') this.coordinator.onPrepared(from);
    } else {
      this.participant(to).onDecision(message);
    }
  }

  /** The network loses a waiting message. */
  lose(from: string, to: string, type: string): void {
    this.network.take(from, to, type);
  }

  crash(id: string): void {
    if (id === this.coordinatorId) this.coordinatorProcess = null;
    else if (!this.participantProcesses.delete(id)) throw new Error(`no running participant ${id}`);
  }

  restart(id: string): void {
    if (id === this.coordinatorId) this.coordinatorProcess = this.startCoordinator();
    else this.participantProcesses.set(id, this.startParticipant(id));
  }

  private startCoordinator(): Coordinator {
    return new this.coordinatorClass(this.coordinatorId, this.participantIds, this.network, this.coordinatorLog);
  }

  private startParticipant(id: string): Participant {
    return new Participant(id, this.coordinatorId, this.network, this.participantLogs.get(id)!);
  }
}
