/**
 * Steps that concern one message in flight — its delivery, loss or duplication: one shared step
 * value per message, labelled `deliver Prepared rm2→tm`.
 */
import type { StepInfo } from '../../model/model.ts';
import type { MessageTable } from '../network.ts';
import type { StepOf } from './source.ts';
import { envelopeText } from '../text.ts';

export type MessageKind = 'deliver' | 'drop' | 'duplicate';

export function messageSteps<K extends MessageKind>(kind: K, messages: MessageTable) {
  const made: StepOf<K>[] = [];
  return {
    /** The step of this kind for message `msg` (made once, then shared by every state). */
    step: (msg: number): StepOf<K> => (made[msg] ??= { kind, msg } as StepOf<K>),
    label: (a: StepOf<MessageKind>): string => `${kind} ${envelopeText(messages, a.msg)}`,
    info: (a: StepOf<MessageKind>): StepInfo => {
      const e = messages.get(a.msg);
      return { kind, from: e.from, to: e.to, node: kind === 'deliver' ? e.to : undefined, message: e.payload.type };
    },
  };
}
