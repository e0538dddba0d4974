/**
 * Escaping for reports and terminals. Every string that comes from a model or a trace file (node
 * names, labels, state values, property names and descriptions) is untrusted text: on a terminal
 * or in a text file it must never drive the terminal (escape sequences clear the screen or set
 * the window title) nor forge a line (CR, LF); in HTML it must never become markup; in Markdown
 * never formatting, links or raw HTML. Renderers call these and nothing else.
 */

/** C0 and C1 controls, DEL, the Unicode line and paragraph separators, and U+FFFE/U+FFFF (not XML characters). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A control character as a visible escape: `\n`, `\x1b`, `\u2028`. */
function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Text safe on a terminal and in a text file: every control character (and U+2028/9) becomes a
 * visible escape, so the text stays on one line and sends the terminal nothing.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, visible);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text safe in HTML, SVG and XML element content and in quoted attribute values; control
 * characters become visible escapes (XML 1.0 does not allow most of them at all).
 */
export function escapeHtml(text: string): string {
  return escapeControls(text).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

/**
 * Text safe inside a Markdown line (running text, headings, table cells, list items): `&`, `<`,
 * `>` become entities, so no raw HTML or `<…>` autolink can appear; the punctuation of emphasis,
 * code spans, link syntax, table pipes, strikethrough and closing heading marks is
 * backslash-escaped; line breaks become spaces, so one value stays on one line. The text is never
 * placed at the start of a line, where `-`, `+` or `1.` would matter.
 */
export function escapeMarkdown(text: string): string {
  return escapeControls(text.replace(/\r\n|[\r\n]/g, ' '))
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch])
    .replace(/[\\`*_[\]|#~!]/g, (ch) => `\\${ch}`);
}

/** A fenced code block whose fence is longer than any backtick run inside `body`. */
export function markdownFence(body: string, info = ''): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}
