/**
 * How a conformance run reads: the shrunk behaviour as a faultline trace — the steps the
 * implementation took by itself marked — then where the implementation and the model part, and
 * the seed and path that run that very behaviour again.
 */
import { colors, formatRun, formatTrace, type Colors } from '../report/text.ts';
import type { ConformanceResult } from './conformance.ts';
import { runName, settle, type Judgement } from './expect.ts';

const plain = colors(false);

/** The report of a conformance run: one line when it passed, the shrunk behaviour when it did not. */
export function formatConformance(result: ConformanceResult, c: Colors = plain): string {
  const f = result.failure;
  if (!f) {
    const n = (x: number) => x.toLocaleString('en-US');
    const lines = [
      c.green(`✓ the implementation conforms to ${runName(result.run)} on ${n(result.runs)} behaviours · seed ${result.seed}`),
      `  ${n(result.steps)} steps driven, ${n(result.statesCovered)} distinct model states reached`,
      `  taken: ${Object.entries(result.coverage).map(([where, k]) => `${where} ${n(k)}`).join(' · ')}`,
    ];
    if (result.untaken.length > 0) lines.push(c.yellow(`  ⚠ never taken, so not tested: ${result.untaken.join(', ')}`));
    return lines.join('\n');
  }
  const behaviours = `${result.runs} behaviour${result.runs === 1 ? '' : 's'}`;
  const lines = [
    c.red(c.bold(`✗ ${f.summary}`)),
    c.dim(`  ${formatRun(result.run, plain)}`),
    c.dim(
      `  found after ${behaviours}, shrunk ${f.shrinks} time${f.shrinks === 1 ? '' : 's'}` +
        `${f.removed > 0 ? `, then ${f.removed} step${f.removed === 1 ? '' : 's'} removed,` : ''} to ${f.trace.steps.length - 1} steps · seed ${result.seed} · path "${f.path}"`,
    ),
    c.dim(`  rerun exactly this behaviour: add { seed: ${result.seed}, path: "${f.path}" } to the conformance options`),
    formatTrace(f.trace, c, new Map(f.internal.map((i) => [i, 'taken by the implementation by itself']))),
  ];
  if (f.details.length > 0) {
    lines.push('  implementation ≠ model:');
    for (const d of f.details) lines.push(`     ${d}`);
  }
  return lines.join('\n');
}

/** The implementation conformed on every behaviour run. */
export function judgeConformance(result: ConformanceResult): Judgement {
  return {
    pass: result.ok,
    message: () => (result.ok ? `expected the implementation not to conform, but:\n${formatConformance(result)}` : formatConformance(result)),
  };
}

/** Throws an `Error` whose message is the shrunk failing behaviour (with its seed and path) unless the implementation conformed. */
export function expectConforms(result: ConformanceResult): void {
  settle(judgeConformance(result), expectConforms);
}
