/**
 * The message-sequence chart of a trace as inline SVG: one lane per node, one row per step. A
 * delivered message is an arrow slanting from the sender's lane (one row up, the message in
 * flight) to the recipient's; faults have marks of their own, so a reader sees at a glance where
 * the world interfered. Every model string is escaped; the chart holds no script.
 */
import type { StepKind } from '../model/model.ts';
import type { TraceFile, TraceFileStep } from '../trace/file.ts';
import { escapeHtml } from './escape.ts';

/** What a chart draws of a trace: its steps, lanes and loop (a report's file, or the explorer's path). */
export type ChartTrace = Pick<TraceFile, 'steps' | 'nodes' | 'loopStart' | 'length'>;

/**
 * The chart's stylesheet, for any page that shows a chart: lanes, arrows, fault marks, the
 * selected row (`.selected`) and the loop. It uses the page's colour variables (`--ink`,
 * `--muted`, `--line`, `--bad`, `--ok`, `--accent`, `--sel`, `--loop`).
 */
export const CHART_STYLE = `svg.chart { display: block; font-size: 12px; }
svg .row-bg { fill: transparent; cursor: pointer; }
svg .step:hover .row-bg { fill: #f6f8fa; }
svg .step.selected .row-bg { fill: var(--sel); }
svg .step.in-loop .row-num { fill: var(--loop); }
svg .row-num { fill: #8c959f; }
svg .row-label { fill: var(--ink); }
svg .step.selected .row-label { font-weight: 600; }
svg .lane, svg .marks, svg .loop { pointer-events: none; }
svg .lane-head { fill: #f6f8fa; stroke: var(--line); }
svg .lane-name { fill: var(--ink); font-weight: 600; }
svg .lane-line { stroke: #afb8c1; stroke-dasharray: 2 3; }
svg .msg { stroke: var(--ink); stroke-width: 1.4; fill: none; }
svg .mark-row.selected .msg { stroke-width: 2.6; }
svg .msg.duplicate { stroke: var(--accent); }
svg .msg.byzantine { stroke: var(--bad); stroke-dasharray: 5 3; }
svg .msg.drop { stroke: #8c959f; stroke-dasharray: 4 3; }
svg .drop-x { stroke: var(--bad); stroke-width: 2.2; }
svg .head { fill: var(--ink); }
svg .head-dup { fill: var(--accent); }
svg .head-byz { fill: var(--bad); }
svg .head-loop { fill: var(--loop); }
svg .msg-text { fill: var(--ink); font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .mark { stroke: #fff; stroke-width: 1.5; fill: #57606a; }
svg .mark.init { fill: #afb8c1; }
svg .mark.crash, svg .mark.byzantine { fill: var(--bad); }
svg .mark.recover { fill: var(--ok); }
svg .mark.pause { fill: #bf8700; }
svg .mark.resume { fill: #2da44e; }
svg .mark.tick { fill: #fff; stroke: #57606a; }
svg .tick-hands { stroke: #57606a; stroke-width: 1.3; }
svg .mark.timer { fill: #8250df; }
svg .mark-ink { stroke: #fff; stroke-width: 2; fill: none; }
svg .mark-fill { fill: #fff; }
svg .mark-row.selected .mark { stroke: var(--ink); }
svg .across { stroke-width: 2.5; }
svg .across.partition { stroke: var(--bad); stroke-dasharray: 7 4; }
svg .across.heal { stroke: var(--ok); }
svg .across.round { stroke: #8c959f; stroke-dasharray: 1 3; }
svg .across.action, svg .across.local, svg .across.timer, svg .across.tick { stroke: #8c959f; }
svg .across-text { fill: var(--muted); font-size: 10.5px; }
svg .loop-bracket { stroke: var(--loop); stroke-width: 2; fill: none; }
svg .loop-text { fill: var(--loop); font-weight: 600; font-size: 11px; }`;

/** The lane used when a model names no nodes. */
export const SYSTEM_LANE = 'system';

/** Lanes in order: the model's nodes, then any other node a step names; one `system` lane if none. */
export function lanesOf(file: ChartTrace): string[] {
  const lanes = [...(file.nodes ?? [])];
  for (const s of file.steps) for (const n of [s.node, s.from, s.to]) if (n !== undefined && !lanes.includes(n)) lanes.push(n);
  return lanes.length > 0 ? lanes : [SYSTEM_LANE];
}

const LANE_GAP = 132;
const GUTTER = 64;
const TOP = 52;
const ROW = 34;
const LABEL_WIDTH = 300;
/** Characters of a label or node name drawn in the chart; the full text is in a tooltip. */
const CLIP = 40;

interface Geometry {
  readonly lanes: readonly string[];
  readonly x: (lane: string | undefined) => number;
  readonly y: (row: number) => number;
}

/** What a mark means, for the legend. */
export const MARK_MEANING: Record<StepKind, string> = {
  init: 'initial state',
  action: 'step of the system (no node named)',
  deliver: 'message delivered: arrow from sender to recipient',
  drop: 'message lost in the network (✕)',
  duplicate: 'message duplicated by the network (double arrow)',
  partition: 'network partition (dashed across all lanes)',
  heal: 'partition healed',
  crash: 'node crashes',
  recover: 'node recovers with its durable state',
  pause: 'process pauses without knowing it',
  resume: 'paused process resumes',
  tick: 'clock tick',
  timer: 'timer fires',
  local: 'local step of a node',
  byzantine: 'Byzantine send: a message a faulty node made up (red, dashed)',
  round: 'synchronous round boundary',
};

function clip(text: string, max = CLIP): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const num = (v: number) => String(Math.round(v * 10) / 10);

/** An arrow from lane `from` at row `r - 1` to lane `to` at row `r`, in the class's style. */
function arrow(g: Geometry, from: string, to: string, r: number, cls: string, marker: string, text: string | undefined): string {
  const x1 = g.x(from);
  const x2 = g.x(to);
  const y2 = g.y(r);
  const y1 = y2 - ROW * 0.8;
  const parts: string[] = [];
  if (from === to) {
    // A message to oneself: a small loop out to the right and back.
    parts.push(`<path class="${cls}" d="M${num(x1)} ${num(y1)} C${num(x1 + 40)} ${num(y1)} ${num(x1 + 40)} ${num(y2)} ${num(x1 + 4)} ${num(y2)}" marker-end="url(#${marker})"/>`);
  } else {
    const shorten = x2 > x1 ? -5 : 5;
    parts.push(`<line class="${cls}" x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2 + shorten)}" y2="${num(y2)}" marker-end="url(#${marker})"/>`);
  }
  if (text) parts.push(messageText(from === to ? x1 + 44 : (x1 + x2) / 2, (y1 + y2) / 2 - 3, text, from === to ? 'start' : 'middle'));
  return parts.join('');
}

function messageText(x: number, y: number, text: string, anchor: 'start' | 'middle'): string {
  return `<text class="msg-text" x="${num(x)}" y="${num(y)}" text-anchor="${anchor}">${escapeHtml(clip(text, 24))}</text>`;
}

/** A mark on one lane at one row. */
function nodeMark(kind: StepKind, x: number, y: number): string {
  const X = num(x);
  const Y = num(y);
  switch (kind) {
    case 'crash':
      return `<circle class="mark crash" cx="${X}" cy="${Y}" r="9"/><path class="mark-ink" d="M${num(x - 4)} ${num(y - 4)}L${num(x + 4)} ${num(y + 4)}M${num(x + 4)} ${num(y - 4)}L${num(x - 4)} ${num(y + 4)}"/>`;
    case 'recover':
      return `<circle class="mark recover" cx="${X}" cy="${Y}" r="9"/><path class="mark-ink" d="M${num(x - 4)} ${num(y + 1)}L${X} ${num(y - 4)}L${num(x + 4)} ${num(y + 1)}M${X} ${num(y - 4)}L${X} ${num(y + 5)}"/>`;
    case 'pause':
      return `<rect class="mark pause" x="${num(x - 8)}" y="${num(y - 8)}" width="16" height="16" rx="3"/><path class="mark-ink" d="M${num(x - 3)} ${num(y - 4)}L${num(x - 3)} ${num(y + 4)}M${num(x + 3)} ${num(y - 4)}L${num(x + 3)} ${num(y + 4)}"/>`;
    case 'resume':
      return `<rect class="mark resume" x="${num(x - 8)}" y="${num(y - 8)}" width="16" height="16" rx="3"/><path class="mark-fill" d="M${num(x - 3)} ${num(y - 5)}L${num(x + 5)} ${Y}L${num(x - 3)} ${num(y + 5)}Z"/>`;
    case 'tick':
      return `<circle class="mark tick" cx="${X}" cy="${Y}" r="6"/><path class="tick-hands" d="M${X} ${Y}L${X} ${num(y - 4)}M${X} ${Y}L${num(x + 3)} ${Y}"/>`;
    case 'timer':
      return `<path class="mark timer" d="M${num(x - 6)} ${num(y - 8)}L${num(x + 6)} ${num(y - 8)}L${num(x - 6)} ${num(y + 8)}L${num(x + 6)} ${num(y + 8)}Z"/>`;
    case 'byzantine':
      return `<path class="mark byzantine" d="M${X} ${num(y - 9)}L${num(x + 9)} ${Y}L${X} ${num(y + 9)}L${num(x - 9)} ${Y}Z"/>`;
    case 'init':
      return `<circle class="mark init" cx="${X}" cy="${Y}" r="5"/>`;
    default:
      return `<circle class="mark ${kind}" cx="${X}" cy="${Y}" r="5"/>`;
  }
}

/** A mark that spans every lane (partitions, heals, rounds, ticks of global time). */
function acrossMark(g: Geometry, kind: StepKind, y: number, text: string): string {
  const from = g.x(g.lanes[0]) - 20;
  const to = g.x(g.lanes[g.lanes.length - 1]) + 20;
  return (
    `<line class="across ${kind}" x1="${num(from)}" y1="${num(y)}" x2="${num(to)}" y2="${num(y)}"/>` +
    `<text class="across-text" x="${num(from)}" y="${num(y - 4)}">${escapeHtml(text)}</text>`
  );
}

/** The drawing of one step (without its row background and number). */
function stepMark(g: Geometry, step: TraceFileStep, row: number): string {
  const y = g.y(row);
  const msg = step.message;
  const between = step.from !== undefined && step.to !== undefined;
  switch (step.kind) {
    case 'init':
      return g.lanes.map((l) => nodeMark('init', g.x(l), y)).join('');
    case 'deliver':
      if (between) return arrow(g, step.from!, step.to!, row, 'msg deliver', 'arrow', msg);
      break;
    case 'duplicate':
      if (between) {
        return (
          `<g transform="translate(0 -3)">${arrow(g, step.from!, step.to!, row, 'msg duplicate', 'arrow-dup', undefined)}</g>` +
          `<g transform="translate(0 3)">${arrow(g, step.from!, step.to!, row, 'msg duplicate', 'arrow-dup', msg === undefined ? '×2' : `×2 ${msg}`)}</g>`
        );
      }
      break;
    case 'byzantine':
      if (between) return arrow(g, step.from!, step.to!, row, 'msg byzantine', 'arrow-byz', msg === undefined ? undefined : `⚠ ${msg}`);
      break;
    case 'drop':
      if (between) {
        // The message leaves the sender and is lost half way: a dashed line ending in ✕.
        const x1 = g.x(step.from!);
        const x2 = step.from === step.to ? x1 + 36 : (x1 + g.x(step.to!)) / 2;
        const y1 = y - ROW * 0.8;
        const ym = (y1 + y) / 2;
        return (
          `<line class="msg drop" x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(ym)}"/>` +
          `<path class="drop-x" d="M${num(x2 - 5)} ${num(ym - 5)}L${num(x2 + 5)} ${num(ym + 5)}M${num(x2 + 5)} ${num(ym - 5)}L${num(x2 - 5)} ${num(ym + 5)}"/>` +
          (msg === undefined ? '' : messageText(x2 + 8, ym + 4, msg, 'start'))
        );
      }
      break;
    case 'partition':
    case 'heal':
    case 'round':
      if (step.node === undefined) return acrossMark(g, step.kind, y, step.kind);
      break;
    case 'tick':
      if (step.node === undefined) return g.lanes.map((l) => nodeMark('tick', g.x(l), y)).join('');
      break;
    default:
      break;
  }
  const on = step.node ?? step.to ?? step.from;
  if (on === undefined && g.lanes.length > 1) return acrossMark(g, step.kind, y, step.kind);
  return nodeMark(step.kind, g.x(on ?? g.lanes[0]), y);
}

const DEFS =
  '<defs>' +
  '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head"/></marker>' +
  '<marker id="arrow-dup" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head-dup"/></marker>' +
  '<marker id="arrow-byz" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head-byz"/></marker>' +
  '<marker id="arrow-loop" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head-loop"/></marker>' +
  '</defs>';

/**
 * The chart. Each step is a `<g class="step" data-step="i">` with a full-width row background,
 * so a page script can highlight it; lanes are `<g class="lane" data-lane="name">`. `selected`
 * marks one step as selected from the start (the explorer's current step).
 */
export function sequenceChart(file: ChartTrace, selected?: number): string {
  const lanes = lanesOf(file);
  const left = GUTTER;
  const right = GUTTER + lanes.length * LANE_GAP;
  const g: Geometry = {
    lanes,
    x: (lane) => left + LANE_GAP / 2 + Math.max(0, lanes.indexOf(lane ?? lanes[0])) * LANE_GAP,
    y: (row) => TOP + row * ROW + ROW / 2,
  };
  const width = right + LABEL_WIDTH;
  const height = TOP + file.steps.length * ROW + 12;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="message sequence chart, one lane per node, one row per step">`,
    DEFS,
  ];

  // Row backgrounds first, so lanes and marks draw over them.
  file.steps.forEach((step, row) => {
    const inLoop = file.loopStart !== null && row >= file.loopStart;
    out.push(
      `<g class="step${inLoop ? ' in-loop' : ''}${row === selected ? ' selected' : ''}" data-step="${row}"><title>${escapeHtml(`${row}. ${step.action}`)}</title>` +
        `<rect class="row-bg" x="0" y="${num(TOP + row * ROW)}" width="${width}" height="${ROW}"/>` +
        `<text class="row-num" x="${GUTTER - 38}" y="${num(g.y(row) + 4)}" text-anchor="end">${row}</text>` +
        `<text class="row-label" x="${right + 10}" y="${num(g.y(row) + 4)}">${escapeHtml(clip(step.action))}</text>` +
        '</g>',
    );
  });

  for (const lane of lanes) {
    const x = g.x(lane);
    out.push(
      `<g class="lane" data-lane="${escapeHtml(lane)}"><title>${escapeHtml(lane)}</title>` +
        `<rect class="lane-head" x="${num(x - LANE_GAP / 2 + 8)}" y="8" width="${LANE_GAP - 16}" height="26" rx="5"/>` +
        `<text class="lane-name" x="${num(x)}" y="26" text-anchor="middle">${escapeHtml(clip(lane, 16))}</text>` +
        `<line class="lane-line" x1="${num(x)}" y1="34" x2="${num(x)}" y2="${height - 6}"/></g>`,
    );
  }

  // Marks on top, in step order; pointer events go to the row underneath.
  out.push('<g class="marks">');
  file.steps.forEach((step, row) => out.push(`<g class="mark-row${row === selected ? ' selected' : ''}" data-step="${row}">${stepMark(g, step, row)}</g>`));
  out.push('</g>');

  if (file.loopStart !== null) {
    const y1 = TOP + file.loopStart * ROW + 4;
    const y2 = TOP + file.steps.length * ROW - 4;
    const x = GUTTER - 10;
    out.push(
      `<g class="loop"><title>${escapeHtml(`loop: steps ${file.loopStart}–${file.length} repeat forever`)}</title>` +
        `<path class="loop-bracket" d="M${x + 8} ${y1}L${x} ${y1}L${x} ${y2}L${x + 8} ${y2}" marker-start="url(#arrow-loop)"/>` +
        `<text class="loop-text" x="${x - 5}" y="${num((y1 + y2) / 2)}" transform="rotate(-90 ${x - 5} ${num((y1 + y2) / 2)})" text-anchor="middle">↻ loop</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

/** A small drawing of each mark kind used in the trace, with what it means. */
export function legendEntries(file: ChartTrace): { kind: StepKind; svg: string; meaning: string }[] {
  const used = [...new Set(file.steps.map((s) => s.kind))];
  return used.map((kind) => {
    const lanes = ['a', 'b'];
    const between = kind === 'deliver' || kind === 'drop' || kind === 'duplicate' || kind === 'byzantine';
    const across = kind === 'partition' || kind === 'heal' || kind === 'round';
    // Arrows start one row up; everything else sits mid-height.
    const y = between ? 34 : across ? 26 : 20;
    const g: Geometry = { lanes, x: (l) => (l === 'b' ? 64 : 20), y: () => y };
    const sample: TraceFileStep = { index: 1, kind, action: kind, actionIndex: 0, state: null };
    const step = between ? { ...sample, from: 'a', to: 'b' } : across ? sample : { ...sample, node: 'a' };
    const drawing = kind === 'init' ? nodeMark('init', 20, y) : kind === 'tick' ? nodeMark('tick', 20, y) : stepMark(g, step, 0);
    return {
      kind,
      // Arrowheads refer to the chart's markers: one document, one set of ids.
      svg: `<svg xmlns="http://www.w3.org/2000/svg" class="legend-mark" width="84" height="40" viewBox="0 0 84 40" aria-hidden="true">${drawing}</svg>`,
      meaning: MARK_MEANING[kind],
    };
  });
}
