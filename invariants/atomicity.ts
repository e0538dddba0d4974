/**
 * Atomicity of an atomic commitment protocol (two-phase commit and its variants): the
 * participants of one transaction never reach different outcomes — no one has committed while
 * another has aborted. Undecided participants are allowed; blocking is a liveness matter.
 */
import { always, type Always } from 'faultline';

/**
 * Not both `committed` and `aborted` occur among `outcomes(s)`: each participant's state, where
 * any other value (`working`, `prepared`, …) means it has not decided yet.
 */
export function atomicity<S>(name: string, outcomes: (s: S) => readonly string[], description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const xs = outcomes(s);
      return !(xs.includes('committed') && xs.includes('aborted'));
    },
    description ?? 'no participant has committed while another has aborted',
  );
}
