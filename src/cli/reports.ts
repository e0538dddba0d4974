/**
 * `faultline reports [dir]` (what `npm run reports` runs): check every shipped variant that is
 * expected to fail, at its defaults (with the variant's own param values), and write their
 * reports plus an index into `dir`. `faultline all --report dir` writes the same files from the
 * checks it runs anyway.
 */
import { models } from '../../models/index.ts';
import { check } from '../explore/check.ts';
import type { CheckResult } from '../explore/result.ts';
import { defaultParams, instantiate, type ModelDefinition, type VariantSpec } from '../model/definition.ts';
import type { Model } from '../model/model.ts';
import { escapeControls } from '../report/escape.ts';
import { siteFiles, writeSite, type SiteEntry } from '../report/site.ts';
import type { Io } from './io.ts';
import { checkOutputFolder } from './target.ts';

/** The index entry of one checked variant. */
export function siteEntry(def: ModelDefinition<any>, variant: VariantSpec, model: Model<any, any>, result: CheckResult): SiteEntry {
  return {
    run: { model: def.name, variant: variant.name, params: defaultParams(def, variant) },
    expected: variant.expect,
    verdict: result.verdict,
    violations: result.violations,
    nodes: model.nodes,
    description: variant.description,
  };
}

/** Write the study reports of `entries` (only variants expected to fail are kept) and say so. */
export function writeStudyReports(dir: string, entries: readonly SiteEntry[], io: Io): number {
  const files = writeSite(
    dir,
    entries.filter((e) => e.expected === 'violated'),
  );
  io.stderr.write(escapeControls(`wrote ${files.length} report files to ${dir}/ (open ${dir}/index.html)`) + '\n');
  return files.length;
}

/** Refuse, before any model is checked, a reports folder that cannot be written or is not faultline's. */
export function checkSiteFolder(flag: string, dir: string): void {
  checkOutputFolder(flag, dir);
  siteFiles(dir);
}

export function reportsCommand(dir: string, io: Io): number {
  checkSiteFolder('reports', dir);
  const entries: SiteEntry[] = [];
  for (const def of models) {
    for (const variant of def.variants.filter((v) => v.expect === 'violated')) {
      const model = instantiate(def, { params: defaultParams(def, variant), variant: variant.name });
      entries.push(siteEntry(def, variant, model, check(model)));
    }
  }
  writeStudyReports(dir, entries, io);
  const unexpected = entries.filter((e) => e.verdict !== e.expected);
  for (const e of unexpected) io.stderr.write(`${e.run.model} / ${e.run.variant}: expected ${e.expected}, got ${e.verdict}\n`);
  return unexpected.length === 0 ? 0 : 1;
}
