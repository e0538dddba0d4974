/**
 * The explorer's page: one self-contained HTML document per position, rendered on the server.
 * Every interaction is a link or a form whose URL carries the whole position (setting, path,
 * cursor) and the run's token, so Back and Forward, reload and bookmarks work as in any site and
 * the page needs no script to be used. A small inline script adds keyboard shortcuts (← →),
 * clickable chart rows and reading a trace file from disk into the load form; a
 * Content-Security-Policy allows nothing but that script and the inline style (by hash), so no
 * text from a model can ever run. Every model string is escaped with the reports' `escapeHtml`.
 */
import { createHash } from 'node:crypto';
import type { ModelDefinition } from '../model/definition.ts';
import type { ParamSpec } from '../model/params.ts';
import { FAULT_STEP_KINDS } from '../model/model.ts';
import { CHART_STYLE, legendEntries, sequenceChart, type ChartTrace } from '../report/chart.ts';
import { diff, flatten } from '../report/diff.ts';
import { escapeHtml as h } from '../report/escape.ts';
import type { TraceStep } from '../trace/trace.ts';
import type { Budget, Group } from './choices.ts';
import type { FindTarget } from './find.ts';
import { knobsText, settingQuery, type Built } from './setting.ts';
import type { Verdict } from './verdicts.ts';
import { moveTo, positionQuery, startFrom, take, type Position } from './walk.ts';

/** A message above the page: what an action did, or why a request was refused. */
export interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

/** Everything one page shows. */
export interface PageView {
  readonly token: string;
  readonly definition: ModelDefinition<any>;
  readonly built: Built;
  readonly position: Position;
  /** Every step of the path (past and future), with the state after it as the model shows it. */
  readonly steps: readonly TraceStep[];
  /** Initial states the model has. */
  readonly inits: number;
  readonly verdicts: readonly Verdict[];
  /** The steps enabled at the cursor. */
  readonly groups: readonly Group[];
  readonly targets: readonly FindTarget[];
  readonly maxStates: number;
  readonly notices: readonly Notice[];
}

const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --bad: #cf222e; --ok: #1a7f37; --accent: #0969da; --sel: #fff1b8; --loop: #8250df; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header { padding: 12px 20px 10px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
h1 { margin: 0; font-size: 18px; display: inline; }
h2 { margin: 0 0 8px; font-size: 15px; }
h3 { margin: 10px 0 4px; font-size: 13px; display: flex; gap: 8px; align-items: baseline; }
.about { color: var(--muted); margin-left: 8px; }
form.setting { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: end; margin: 8px 0 4px; }
form.setting label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button, textarea { font: inherit; }
input[type=number] { width: 5.5em; }
input.knobs { width: 18em; }
button { cursor: pointer; }
.facts { margin: 2px 0 0; color: var(--muted); font-size: 12.5px; }
.notice { margin: 10px 20px 0; padding: 8px 12px; border-radius: 6px; border: 1px solid #54aeff; background: #ddf4ff; }
.notice.error { border-color: #ff8182; background: #ffebe9; color: #82071e; }
.banner { margin: 10px 20px 0; padding: 8px 12px; border-radius: 6px; background: var(--bad); color: #fff; }
.banner a { color: #fff; text-decoration: underline; }
.banner ul { margin: 4px 0 0; padding-left: 20px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(360px, 34%); gap: 16px; padding: 12px 20px 32px; align-items: start; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 14px; }
.nav { display: flex; gap: 14px; align-items: center; margin-bottom: 6px; }
.nav .off { color: #8c959f; }
.nav .where { margin-left: auto; color: var(--muted); }
.group { border-top: 1px solid #eaeef2; }
.group:first-of-type { border-top: 0; }
.group.fault h3 { color: var(--bad); }
.budget { font-weight: normal; font-size: 12px; color: var(--muted); }
.budget.spent { color: var(--bad); }
ul.choices { list-style: none; margin: 0 0 6px; padding: 0; display: flex; flex-direction: column; gap: 2px; }
ul.choices li { display: flex; flex-wrap: wrap; gap: 2px 10px; align-items: baseline; }
a.choice { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; padding: 1px 6px; border: 1px solid var(--line); border-radius: 5px; background: #fff; }
a.choice:hover { background: #f6f8fa; text-decoration: none; border-color: var(--accent); }
.fault a.choice { border-color: #ffcecb; }
.recorded { color: var(--loop); font-size: 12px; }
.breaks { color: var(--bad); font-size: 12px; font-weight: 600; }
.changes { color: var(--muted); font-size: 12px; }
.none { color: var(--muted); font-size: 12.5px; margin: 2px 0 6px; }
form.find { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 10px; padding-top: 10px; border-top: 1px solid var(--line); }
.hint { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
#chart-panel { overflow: auto; }
table.props, table.vars { width: 100%; border-collapse: collapse; }
table.props td, table.vars td { padding: 3px 6px 3px 0; vertical-align: top; border-bottom: 1px solid #eaeef2; word-break: break-word; }
table.vars td:first-child { width: 45%; }
.status { display: inline-block; min-width: 6.5em; padding: 0 6px; border-radius: 9px; font-size: 11.5px; text-align: center; background: #eaeef2; color: var(--muted); }
.status.holds, .status.reached { background: #dafbe1; color: var(--ok); }
.status.violated { background: #ffebe9; color: var(--bad); font-weight: 600; }
.kind { color: var(--muted); font-size: 11.5px; }
.why { color: var(--muted); font-size: 12px; }
.node { border: 1px solid #eaeef2; border-radius: 6px; padding: 4px 8px; margin-bottom: 8px; }
.node h3 { margin: 2px 0 4px; }
.badge { font-size: 11px; padding: 0 6px; border-radius: 9px; background: #eaeef2; color: var(--muted); font-weight: normal; }
.badge.down { background: #ffebe9; color: var(--bad); }
tr.changed td { background: #fff8c5; }
ul.flight { margin: 0; padding-left: 18px; }
ul.flight li.changed { background: #fff8c5; }
#history ol { list-style: none; margin: 0; padding: 0; max-height: 40vh; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
#history li { border-bottom: 1px solid #eaeef2; }
#history li:last-child { border-bottom: 0; }
#history li a { display: grid; grid-template-columns: 2.2em 1fr; gap: 4px; padding: 3px 8px; color: var(--ink); }
#history li a:hover { background: #f6f8fa; text-decoration: none; }
#history li.current a { background: var(--sel); font-weight: 600; }
#history li.future a { color: #8c959f; }
#history li.fault .label { color: var(--bad); }
#history .n { color: var(--muted); text-align: right; }
#history .loop-note { color: var(--loop); font-size: 12px; padding: 0 8px 3px 3.2em; }
textarea { width: 100%; min-height: 6em; }
.legend { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 2px 18px; margin-top: 10px; font-size: 12px; color: var(--muted); }
.legend div { display: flex; align-items: center; gap: 6px; }
.legend svg { flex: none; }
svg .step { cursor: pointer; }
${CHART_STYLE}
@media (max-width: 1000px) { main { grid-template-columns: 1fr; } }
`;

/**
 * Progressive enhancements only; every action also works as a plain link or form. The page's
 * URL is replaced by its canonical one (a Find or a load answered at /find or /load), so a reload
 * shows the same position without searching again.
 */
const SCRIPT = `
(function () {
  var canonical = document.body.getAttribute('data-canonical');
  if (canonical && location.pathname + location.search !== canonical) {
    try { history.replaceState(null, '', canonical); } catch (e) { /* an older browser keeps the URL */ }
  }
  function go(id) {
    var link = document.getElementById(id);
    if (link && link.getAttribute('href')) location.href = link.getAttribute('href');
  }
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'BUTTON') return;
    var id = { ArrowLeft: 'back', ArrowRight: 'forward' }[e.key];
    if (!id) return;
    e.preventDefault();
    go(id);
  });
  var rows = document.querySelectorAll('#chart .step');
  for (var k = 0; k < rows.length; k++) {
    rows[k].addEventListener('click', function () { go('history-' + this.getAttribute('data-step')); });
  }
  var file = document.getElementById('trace-file');
  if (file) {
    file.addEventListener('change', function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      var reader = new FileReader();
      reader.onload = function () {
        document.getElementById('trace-text').value = String(reader.result);
        document.getElementById('load').submit();
      };
      reader.readAsText(chosen);
    });
  }
  var find = document.getElementById('find');
  if (find) {
    find.addEventListener('submit', function () {
      var button = document.getElementById('find-button');
      button.textContent = 'Searching…';
      button.setAttribute('aria-busy', 'true');
    });
  }
})();
`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * The page's Content-Security-Policy: the inline style and script by hash, forms to this server,
 * nothing fetched. The page carries it (so does a saved copy); the server sends it as a header
 * too, with `frame-ancestors` (which only a header can say): no other page may frame this one.
 */
const CSP = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; form-action 'self'; base-uri 'none'`;
export const PAGE_CSP_HEADER = `${CSP}; frame-ancestors 'none'`;

/** URL query fields, in order. */
export type Query = [string, string][];

/** A URL of this server: route, token, then the fields. */
export function href(route: string, token: string, fields: Query): string {
  return `${route}?${new URLSearchParams([['t', token], ...fields])}`;
}

function hidden(fields: Query): string {
  return fields.map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The page at one position. */
export function explorerPage(v: PageView): string {
  const setting = settingQuery(v.built.setting);
  const here = (p: Position) => href('/', v.token, [...setting, ...positionQuery(p)]);
  const at = v.position.at;
  const canonical = here(v.position);
  const exportHref = (property: string) => href('/export', v.token, [...setting, ...positionQuery(v.position), ['property', property]]);
  const title = `${v.definition.name} · ${v.built.run.variant} · step ${at}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>${h(title)} — faultline explore</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body data-canonical="${h(canonical)}">
${header(v, setting)}
${v.notices.map((n) => `<div class="notice${n.kind === 'error' ? ' error' : ''}" role="${n.kind === 'error' ? 'alert' : 'status'}">${h(n.text)}</div>`).join('\n')}
${banner(v, here, exportHref)}
<main>
<div>
${nextSteps(v, setting, here)}
${chartPanel(v)}
</div>
<aside>
${propertiesPanel(v)}
${statePanel(v)}
${historyPanel(v, here)}
${filesPanel(v, setting, exportHref)}
</aside>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function paramInput(p: ParamSpec, value: string): string {
  const name = h(`p.${p.name}`);
  const title = h(p.description);
  if (p.kind === 'oneOf' || p.kind === 'bool') {
    const options: readonly string[] = p.kind === 'oneOf' ? p.choices : ['true', 'false'];
    return `<label title="${title}">${h(p.name)}<select name="${name}">${options.map((o) => `<option${o === value ? ' selected' : ''}>${h(o)}</option>`).join('')}</select></label>`;
  }
  if (p.kind === 'int') {
    const bounds = `${p.min !== undefined ? ` min="${p.min}"` : ''}${p.max !== undefined ? ` max="${p.max}"` : ''}`;
    return `<label title="${title}">${h(p.name)}<input type="number" name="${name}" value="${h(value)}"${bounds} required></label>`;
  }
  return `<label title="${title}">${h(p.name)}<input name="${name}" value="${h(value)}"></label>`;
}

/** The model, and the form that switches variant, params and faults under the same path. */
function header(v: PageView, setting: Query): string {
  const def = v.definition;
  const s = v.built.setting;
  const variants = def.variants
    .map((x) => `<option value="${h(x.name)}"${x.name === s.variant ? ' selected' : ''} title="${h(x.description)}">${h(x.name)}${x.expect === 'violated' ? ' (buggy)' : ''}</option>`)
    .join('');
  const params = def.params.map((p) => paramInput(p, s.params[p.name] ?? String(p.default))).join('');
  const systems = def.systems
    ? `<label title="a named system model; the variant's own when none is chosen">system<select name="system"><option value="">the variant's</option>${[...def.systems.map((x) => x.name), 'none']
        .map((name) => `<option${name === s.system ? ' selected' : ''}>${h(name)}</option>`)
        .join('')}</select></label>` +
      `<label title="fault knobs over the system model, as --faults takes them">faults<input class="knobs" name="faults" value="${h(knobsText(s.faults))}" placeholder="e.g. crash=1,drop=1"></label>`
    : '';
  const budgets = v.built.model.faults ? `fault model: <code>${h(knobsText(v.built.model.faults))}</code>` : 'no fault model';
  const variant = def.variants.find((x) => x.name === s.variant);
  return `<header>
<h1>faultline explore</h1><span class="about"><code>${h(def.name)}</code> — ${h(def.description)}</span>
<form class="setting" method="get" action="/configure">${hidden([['t', v.token], ['from', new URLSearchParams([...setting, ...positionQuery(v.position)]).toString()]])}
<label>variant<select name="variant">${variants}</select></label>${params}${systems}
<button type="submit">Apply</button>
</form>
<p class="facts">${variant ? `${h(variant.description)} · ` : ''}${budgets}</p>
</header>`;
}

/** The red banner: every property the path has violated up to the cursor, and where. */
function banner(v: PageView, here: (p: Position) => string, exportHref: (property: string) => string): string {
  const broken = v.verdicts.filter((x) => x.status === 'violated' || (x.step !== undefined && x.kind !== 'sometimes'));
  if (broken.length === 0) return '';
  const at = v.position.at;
  const items = broken.map((x) => {
    const name = `<strong>${h(x.name)}</strong>`;
    const what = x.description ? `: ${h(x.description)}` : '';
    if (x.status === 'violated') {
      const since = x.step !== undefined && x.step < at ? ` (since step ${x.step})` : '';
      return `<li>${name} is violated at this step${since}${what} — <a class="export" download href="${h(exportHref(x.name))}">export the trace</a></li>`;
    }
    return `<li>${name} was violated at <a href="${h(here(moveTo(v.position, x.step!)))}">step ${x.step}</a>${what}</li>`;
  });
  return `<div class="banner" role="alert" id="banner">✖ This path violates ${broken.length === 1 ? 'a property' : `${broken.length} properties`}:<ul>${items.join('')}</ul></div>`;
}

function budgetText(b: Budget): string {
  if (b.used === undefined) return `budget ${b.total}`;
  const left = b.total - b.used;
  return left > 0 ? `${left} of ${b.total} left` : `budget used up (${b.used}/${b.total})`;
}

function who(info: { node?: string; from?: string; to?: string }): string {
  if (info.from !== undefined && info.to !== undefined) return `${info.from} → ${info.to}`;
  return info.node ?? '';
}

/** Back / Forward, the enabled steps by group, and Find. */
function nextSteps(v: PageView, setting: Query, here: (p: Position) => string): string {
  const p = v.position;
  const at = p.at;
  const end = p.actions.length;
  const nav = [
    at > 0 ? `<a id="back" href="${h(here(moveTo(p, at - 1)))}" title="Back (←)">← Back</a>` : '<span id="back" class="off">← Back</span>',
    at < end ? `<a id="forward" href="${h(here(moveTo(p, at + 1)))}" title="Forward (→)">Forward →</a>` : '<span id="forward" class="off">Forward →</span>',
    at > 0 ? `<a id="restart" href="${h(here(moveTo(p, 0)))}">⟲ Initial state</a>` : '',
    `<span class="where">step ${at} of ${end}</span>`,
  ].join('');
  const inits =
    at === 0 && v.inits > 1
      ? `<div class="group"><h3>Initial states <span class="budget">${v.inits}</span></h3><ul class="choices">${Array.from({ length: v.inits }, (_, i) =>
          `<li><a class="choice" href="${h(here(startFrom(i)))}">initial state #${i}</a>${i === p.initIndex ? '<span class="recorded">this one</span>' : ''}</li>`,
        ).join('')}</ul></div>`
      : '';
  const groups = v.groups.map((g) => {
    const budget = g.budget ? `<span class="budget${g.budget.used !== undefined && g.budget.used >= g.budget.total ? ' spent' : ''}">${h(budgetText(g.budget))}</span>` : '';
    const items = g.choices.map((c) => {
      const preview = c.changes.length > 0 ? c.changes.join('\n') : 'changes nothing that the state shows';
      return (
        `<li><a class="choice" href="${h(here(take(p, c.index)))}" data-choice="${c.index}" title="${h(preview)}">${h(c.label)}</a>` +
        (who(c.info) ? `<span class="changes">${h(who(c.info))}</span>` : '') +
        (c.recorded ? '<span class="recorded">↳ next on this path</span>' : '') +
        (c.breaks.length > 0 ? `<span class="breaks">⚠ breaks ${h(c.breaks.join(', '))}</span>` : '') +
        '</li>'
      );
    });
    const none = g.choices.length === 0 ? `<p class="none">none enabled in this state</p>` : '';
    return `<div class="group${g.fault ? ' fault' : ''}" data-kind="${g.kind}"><h3>${h(g.title)} ${budget}</h3>${none}<ul class="choices">${items.join('')}</ul></div>`;
  });
  const enabled = v.groups.reduce((n, g) => n + g.choices.length, 0);
  const stuck = v.verdicts.find((x) => x.kind === 'deadlock');
  const empty = enabled === 0 ? `<p class="none">No step is enabled in this state${stuck?.status === 'violated' ? ': a deadlock' : ''}.</p>` : '';
  const options = v.targets.map((t) => `<option value="${h(t.value)}">${h(t.title)}</option>`).join('');
  const find =
    `<form class="find" id="find" method="get" action="/find">${hidden([['t', v.token], ...setting, ...positionQuery(p)])}` +
    `<label>Find <select name="target">${options}</select></label><button type="submit" id="find-button">Find</button>` +
    `<span class="hint">breadth-first from this state to the nearest one, at most ${v.maxStates.toLocaleString('en-US')} states</span></form>`;
  return `<section class="panel" id="next">
<div class="nav">${nav}</div>
<h2>${enabled === 0 ? 'No enabled steps' : `${plural(enabled, 'enabled step')}`} at step ${at}</h2>
${inits}${groups.join('\n')}${empty}
${find}
</section>`;
}

/** The chart of the path up to the cursor, the current step selected. */
function chartPanel(v: PageView): string {
  const steps = v.steps.slice(0, v.position.at + 1);
  const loopShown = v.position.loopStart !== null && v.position.at === v.position.actions.length;
  const chart: ChartTrace = { steps, nodes: v.built.model.nodes, loopStart: loopShown ? v.position.loopStart : null, length: steps.length - 1 };
  const legend = legendEntries(chart)
    .map((e) => `<div>${e.svg}<span><strong>${h(e.kind)}</strong> — ${h(e.meaning)}</span></div>`)
    .join('');
  return `<section class="panel" id="chart-panel">
<h2>Message sequence</h2>
<div id="chart">
${sequenceChart(chart, v.position.at)}
</div>
<div class="legend">${legend}</div>
</section>`;
}

const STATUS_TEXT: Record<Verdict['status'], string> = {
  holds: 'holds',
  violated: 'violated',
  reached: 'reached',
  'not-reached': 'not yet',
  open: 'n/a on a prefix',
};

function propertiesPanel(v: PageView): string {
  const rows = v.verdicts.map(
    (x) =>
      `<tr data-property="${h(x.name)}"><td><span class="mono">${h(x.name)}</span> <span class="kind">${h(x.kind)}</span>${x.description ? `<div class="why">${h(x.description)}</div>` : ''}</td>` +
      `<td><span class="status ${x.status}">${STATUS_TEXT[x.status]}</span><div class="why">${h(x.why)}</div></td></tr>`,
  );
  return `<section class="panel" id="properties"><h2>Properties at step ${v.position.at}</h2><table class="props"><tbody>${rows.join('')}</tbody></table></section>`;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A table of a value's leaves, the ones the last step changed marked. */
function leavesTable(value: unknown, before: unknown | undefined): string {
  const changed = before === undefined ? new Set<string>() : new Set(diff(before, value).map((c) => c.path));
  const rows = [...flatten(value)].map(
    ([path, text]) => `<tr${changed.has(path) ? ' class="changed"' : ''}><td class="mono">${h(path)}</td><td class="mono">${h(text)}</td></tr>`,
  );
  return `<table class="vars"><tbody>${rows.join('')}</tbody></table>`;
}

function listOf(x: unknown, key: string): readonly unknown[] {
  const v = isRecord(x) ? x[key] : undefined;
  return Array.isArray(v) ? v : [];
}

/** The state at the cursor: a card per node, the messages in flight, then everything else. */
function statePanel(v: PageView): string {
  const at = v.position.at;
  const shown = v.steps[at].state;
  const before = at > 0 ? v.steps[at - 1].state : undefined;
  const head = `<h2>State at step ${at}</h2>${at > 0 ? '<p class="hint">Highlighted: what the last step changed.</p>' : ''}`;
  if (!isRecord(shown)) return `<section class="panel" id="state">${head}${leavesTable(shown, before)}</section>`;
  const prev = isRecord(before) ? before : undefined;
  const nodes = (v.built.model.nodes ?? []).filter((n) => n in shown);
  const cards = nodes.map((id) => {
    const badges: string[] = [];
    for (const [key, text] of [['crashed', 'crashed'], ['paused', 'paused'], ['byzantine', 'Byzantine']] as const) {
      if (listOf(shown, key).includes(id)) badges.push(`<span class="badge down">${text}</span>`);
    }
    const clocks = shown.clocks;
    if (isRecord(clocks) && clocks[id] !== undefined) badges.push(`<span class="badge" title="local clock">⏱ ${h(String(clocks[id]))}</span>`);
    const timers = isRecord(shown.timers) && Array.isArray(shown.timers[id]) ? (shown.timers[id] as unknown[]) : [];
    const timerLine = timers.length > 0 ? `<p class="hint">timers: ${h(timers.map(String).join(', '))}</p>` : '';
    return `<div class="node" data-node="${h(id)}"><h3>${h(id)} ${badges.join(' ')}</h3>${leavesTable(shown[id], prev ? prev[id] : undefined)}${timerLine}</div>`;
  });
  const network = shown.network;
  let flight = '';
  if (Array.isArray(network)) {
    const added = new Set(prev && Array.isArray(prev.network) ? (diff({ n: prev.network }, { n: network })[0]?.added ?? []) : []);
    flight =
      `<h3>In flight <span class="budget">${plural(network.length, 'message')}</span></h3>` +
      (network.length === 0
        ? '<p class="none">no message in flight</p>'
        : `<ul class="flight">${network.map((m) => `<li class="mono${added.has(JSON.stringify(m)) ? ' changed' : ''}">${h(String(m))}</li>`).join('')}</ul>`);
  }
  const restKeys = Object.keys(shown).filter((k) => !nodes.includes(k) && !(k === 'network' && Array.isArray(network)));
  const pick = (x: Record<string, unknown> | undefined) => (x === undefined ? undefined : Object.fromEntries(restKeys.filter((k) => k in x).map((k) => [k, x[k]])));
  const rest = restKeys.length > 0 ? `<h3>${nodes.length > 0 ? 'The world' : 'Variables'}</h3>${leavesTable(pick(shown), pick(prev))}` : '';
  return `<section class="panel" id="state">${head}${cards.join('')}${flight}${rest}</section>`;
}

/** Every step of the path, the cursor marked, the future dimmed; each a link to it. */
function historyPanel(v: PageView, here: (p: Position) => string): string {
  const p = v.position;
  const items = v.steps.map((s, i) => {
    const cls = [i === p.at ? 'current' : i > p.at ? 'future' : '', FAULT_STEP_KINDS.has(s.kind) ? 'fault' : ''].filter(Boolean).join(' ');
    const label = i === 0 ? `initial state${v.inits > 1 ? ` #${p.initIndex}` : ''}` : s.action;
    const loop = p.loopStart === i ? '<div class="loop-note">↻ the loop starts here: the last state returns to this one</div>' : '';
    return `<li data-step="${i}"${cls ? ` class="${cls}"` : ''}><a id="history-${i}" href="${h(here(moveTo(p, i)))}"${i === p.at ? ' aria-current="step"' : ''}><span class="n">${i}</span><span class="label mono">${h(label)}</span></a>${loop}</li>`;
  });
  return `<section class="panel" id="history"><h2>History</h2><ol>${items.join('')}</ol><p class="hint">Click a step to go back to it; ← and → move along the path.</p></section>`;
}

/** Export the path at a violation; load a trace file from disk. */
function filesPanel(v: PageView, setting: Query, exportHref: (property: string) => string): string {
  const fields: Query = [...setting, ...positionQuery(v.position)];
  const violated = v.verdicts.filter((x) => x.status === 'violated');
  const exports =
    violated.length > 0
      ? `<p>Export the path up to step ${v.position.at} as a trace file (schema 1) that <code>faultline replay</code> reproduces:</p><ul>${violated
          .map((x) => `<li><a class="export" download href="${h(exportHref(x.name))}">${h(x.name)} (${h(x.kind)})</a></li>`)
          .join('')}</ul>`
      : '<p class="hint">A trace file records a counterexample: export becomes available at a step that violates a property.</p>';
  return `<section class="panel" id="files"><h2>Trace files</h2>${exports}
<form id="load" method="post" action="${h(href('/load', v.token, fields))}">
<label>Load a trace file: <input type="file" id="trace-file" accept=".json,application/json"></label>
<details><summary>or paste its JSON</summary><textarea name="trace" id="trace-text" spellcheck="false"></textarea><button type="submit">Load</button></details>
</form></section>`;
}
