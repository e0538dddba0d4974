/**
 * The HTML report of a counterexample: one self-contained file to study a failure. A plain
 * header says what failed, under which faults, in how many steps; a message-sequence chart shows
 * who sent what to whom; a step list (click or keyboard) highlights its row in the chart and shows
 * that step's state diff, and the command that opens the trace in `faultline explore` follows the
 * selected step. Inline CSS and JS only, locked down by a Content-Security-Policy that
 * allows nothing but those two blocks (by hash), so the page fetches nothing and runs nothing else.
 */
import { createHash } from 'node:crypto';
import { FAULT_STEP_KINDS } from '../model/model.ts';
import type { TraceFile, TraceFileStep } from '../trace/file.ts';
import { CHART_STYLE, legendEntries, lanesOf, sequenceChart } from './chart.ts';
import { diff, flatten } from './diff.ts';
import { escapeHtml as h } from './escape.ts';
import { assignments, checkCommand, exploreCommand, failedWhat, howLong, injectedFaults, kindMeaning, replayCommand, underWhichFaults, type CommandPaths } from './summary.ts';

export type HtmlOptions = CommandPaths;

const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --bad: #cf222e; --ok: #1a7f37; --accent: #0969da; --sel: #fff1b8; --loop: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
header { padding: 18px 24px 14px; border-bottom: 1px solid var(--line); background: #fff8f7; }
h1 { margin: 0 0 6px; font-size: 21px; color: var(--bad); }
h2 { margin: 0 0 8px; font-size: 15px; }
.lede { margin: 0 0 12px; font-size: 15px; max-width: 70em; }
.facts { border-collapse: collapse; margin-bottom: 10px; }
.facts th { text-align: left; font-weight: 600; color: var(--muted); padding: 2px 14px 2px 0; vertical-align: top; }
.facts td { padding: 2px 0; }
.commands { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.commands div { min-width: 0; }
.commands span { color: var(--muted); font-size: 12px; display: block; }
pre { margin: 2px 0 0; padding: 6px 10px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, 36%); gap: 18px; padding: 16px 24px 32px; align-items: start; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
#chart-panel { overflow: auto; }
aside { position: sticky; top: 8px; display: flex; flex-direction: column; gap: 12px; max-height: calc(100vh - 16px); }
#steps { list-style: none; margin: 0; padding: 0; overflow-y: auto; max-height: 45vh; border: 1px solid var(--line); border-radius: 6px; }
#steps li { display: grid; grid-template-columns: 2.4em 1fr; gap: 2px 6px; padding: 5px 8px; border-bottom: 1px solid #eaeef2; cursor: pointer; }
#steps li:last-child { border-bottom: 0; }
#steps li:hover { background: #f6f8fa; }
#steps li.selected { background: var(--sel); }
#steps li:focus { outline: 2px solid var(--accent); outline-offset: -2px; }
#steps .n { color: var(--muted); text-align: right; }
#steps .who { grid-column: 2; color: var(--muted); font-size: 12px; }
#steps li.in-loop { border-left: 3px solid var(--loop); }
#steps li.fault .label { color: var(--bad); }
.kind { display: inline-block; min-width: 5.5em; margin-right: 6px; padding: 0 5px; border-radius: 9px; background: #eaeef2; color: var(--muted); font-size: 11.5px; text-align: center; }
.kind.fault { background: #ffebe9; color: var(--bad); }
.loop-note { color: var(--loop); font-size: 12px; }
#diff { overflow-y: auto; }
.step-diff h3 { margin: 0 0 6px; font-size: 14px; }
.changes { width: 100%; border-collapse: collapse; }
.changes th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; border-bottom: 1px solid var(--line); }
.changes td { padding: 3px 6px 3px 0; vertical-align: top; border-bottom: 1px solid #eaeef2; word-break: break-word; }
.before { color: var(--bad); }
.after { color: var(--ok); }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--accent); }
.legend { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 2px 18px; margin-top: 10px; font-size: 12px; color: var(--muted); }
.legend div { display: flex; align-items: center; gap: 6px; }
.legend svg { flex: none; }
.hint { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
${CHART_STYLE}
@media (max-width: 900px) { main { grid-template-columns: 1fr; } aside { position: static; max-height: none; } }
`;

/** Selection: click a step (list or chart) or use ↑/↓, j/k, Home/End in the list; #step-N deep-links. */
const SCRIPT = `
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll('#steps li'));
  var rows = document.querySelectorAll('#chart .step, #chart .mark-row');
  var diffs = document.querySelectorAll('#diff .step-diff');
  var explore = document.getElementById('explore-command');
  var current = -1;
  function each(list, f) { for (var k = 0; k < list.length; k++) f(list[k]); }
  function select(i, focus) {
    if (i < 0 || i >= items.length) return;
    current = i;
    var key = String(i);
    items.forEach(function (el) { var on = el.getAttribute('data-step') === key; el.classList.toggle('selected', on); el.setAttribute('aria-selected', on ? 'true' : 'false'); el.tabIndex = on ? 0 : -1; });
    each(rows, function (el) { el.classList.toggle('selected', el.getAttribute('data-step') === key); });
    each(diffs, function (el) { el.hidden = el.getAttribute('data-step') !== key; });
    // The explore command opens the trace at the step selected here (its last step by default).
    if (explore) explore.textContent = explore.getAttribute('data-command') + (i === items.length - 1 ? '' : ' --step ' + i);
    if (focus) items[i].focus();
    items[i].scrollIntoView({ block: 'nearest' });
    try { history.replaceState(null, '', '#step-' + i); } catch (e) { /* file:// in some browsers */ }
  }
  items.forEach(function (el, k) { el.addEventListener('click', function () { select(k, true); }); });
  each(document.querySelectorAll('#chart .step'), function (el) {
    el.addEventListener('click', function () { select(Number(el.getAttribute('data-step')), true); });
  });
  document.getElementById('steps').addEventListener('keydown', function (e) {
    var to = { ArrowDown: current + 1, j: current + 1, ArrowUp: current - 1, k: current - 1, Home: 0, End: items.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(to, true);
  });
  var m = /^#step-(\\d+)$/.exec(location.hash);
  select(m ? Math.min(Number(m[1]), items.length - 1) : items.length - 1, false);
})();
`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

/** Allow only the inline style and script above; no fetch of any kind. */
const CSP = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;

const isFault = (step: TraceFileStep) => FAULT_STEP_KINDS.has(step.kind);

function who(step: TraceFileStep): string {
  if (step.from !== undefined && step.to !== undefined) return `${step.from} → ${step.to}`;
  return step.node ?? '';
}

function stepItem(file: TraceFile, step: TraceFileStep): string {
  const i = step.index;
  const inLoop = file.loopStart !== null && i > file.loopStart;
  const cls = [inLoop ? 'in-loop' : '', isFault(step) ? 'fault' : ''].filter(Boolean).join(' ');
  const label = i === 0 ? 'initial state' : step.action;
  const note = file.loopStart === i ? '<div class="who loop-note">↻ loop starts here: the last state returns to this one</div>' : '';
  const sub = who(step) ? `<div class="who">${h(who(step))}</div>` : '';
  return (
    `<li id="step-${i}" data-step="${i}" role="option" aria-selected="false" tabindex="-1"${cls ? ` class="${cls}"` : ''}>` +
    `<span class="n">${i}</span><span><span class="kind${isFault(step) ? ' fault' : ''}">${h(step.kind)}</span><span class="label mono">${h(label)}</span></span>${sub}${note}</li>`
  );
}

function valueCell(v: string | undefined, cls: string, missing: string): string {
  return v === undefined ? `<td class="${cls}"><em>${missing}</em></td>` : `<td class="${cls} mono">${h(v)}</td>`;
}

function stateTable(state: unknown): string {
  const rows = [...flatten(state)].map(([path, value]) => `<tr><td class="mono">${h(path)}</td><td class="mono">${h(value)}</td></tr>`);
  return `<table class="changes"><thead><tr><th>variable</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stepDiff(file: TraceFile, step: TraceFileStep): string {
  const i = step.index;
  const title = i === 0 ? 'Step 0: the initial state' : `Step ${i}: ${step.action}`;
  let body: string;
  if (i === 0) {
    body = stateTable(step.state);
  } else {
    const changes = diff(file.steps[i - 1].state, step.state);
    body =
      changes.length === 0
        ? '<p class="hint">Nothing visible in the state changed.</p>'
        : `<table class="changes"><thead><tr><th>variable</th><th>before</th><th>after</th></tr></thead><tbody>${changes
            .map((c) => `<tr><td class="mono">${h(c.path)}</td>${valueCell(c.before, 'before', 'new')}${valueCell(c.after, 'after', 'gone')}</tr>`)
            .join('')}</tbody></table>` + `<details><summary>Full state after step ${i}</summary>${stateTable(step.state)}</details>`;
  }
  const kindLine = i === 0 ? '' : `<p class="hint">${h(step.kind)}${who(step) ? ` · ${h(who(step))}` : ''}</p>`;
  return `<div class="step-diff" data-step="${i}"><h3>${h(title)}</h3>${kindLine}${body}</div>`;
}

/** The complete HTML document. */
export function htmlReport(file: TraceFile, options: HtmlOptions): string {
  const title = `${failedWhat(file)} ${howLong(file)}`;
  const faults = injectedFaults(file);
  const facts: [string, string][] = [
    ['model', `<code>${h(file.model)}</code> · variant <code>${h(file.variant)}</code>`],
    ['params', Object.keys(file.params).length > 0 ? `<code>${h(assignments(file.params))}</code>` : 'none'],
    ['fault budgets', file.faults && Object.keys(file.faults).length > 0 ? `<code>${h(assignments(file.faults))}</code>` : 'none given'],
    ['injected faults', faults.size > 0 ? h([...faults].map(([k, n]) => `${k} ×${n}`).join(', ')) : 'none'],
  ];
  if (file.system) facts.push(['system', `<code>${h(file.system)}</code>`]);
  facts.push(['property', `<code>${h(file.property)}</code> (${h(file.kind)}): ${h(kindMeaning(file))}`]);
  facts.push(['lanes', h(lanesOf(file).join(', '))]);
  if (file.minimized) facts.push(['minimised', `from ${file.minimized.length} steps and ${file.minimized.faults} injected faults`]);

  const lede =
    `<strong><code>${h(file.kind === 'deadlock' ? 'deadlock' : file.property)}</code></strong> ${h(file.kind === 'deadlock' ? 'reached' : 'failed')} ` +
    `${h(howLong(file))} ${h(underWhichFaults(file))}${file.description ? `: ${h(file.description)}` : ''}.`;

  const legend = legendEntries(file)
    .map((e) => `<div>${e.svg}<span><strong>${h(e.kind)}</strong> — ${h(e.meaning)}</span></div>`)
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>${h(`${title} — ${file.model} / ${file.variant}`)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="lede">${lede}</p>
<table class="facts"><tbody>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>
<div class="commands">
<div><span>replay against the current model (exit 0: reproduces, 1: diverges)</span><pre><code>${h(replayCommand(options.tracePath, options.modelPath))}</code></pre></div>
<div><span>explore it in the browser, from the selected step</span><pre><code id="explore-command" data-command="${h(exploreCommand(file, options.tracePath, options.modelPath))}">${h(exploreCommand(file, options.tracePath, options.modelPath))}</code></pre></div>
<div><span>check the model again</span><pre><code>${h(checkCommand(file, options.modelPath))}</code></pre></div>
</div>
</header>
<main>
<section class="panel" id="chart-panel">
<h2>Message sequence</h2>
<div id="chart">
${sequenceChart(file)}
</div>
<div class="legend">${legend}</div>
</section>
<aside>
<section class="panel">
<h2>Steps</h2>
<ol id="steps" role="listbox" aria-label="steps of the trace">
${file.steps.map((s) => stepItem(file, s)).join('\n')}
</ol>
<p class="hint">Click a step or use ↑ ↓ (j k, Home, End) to select it.</p>
</section>
<section class="panel" id="diff" aria-live="polite">
${file.steps.map((s) => stepDiff(file, s)).join('\n')}
</section>
</aside>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
