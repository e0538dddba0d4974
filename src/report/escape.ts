/**
 * Escaping for reports. Every string that comes from a model (node names, labels, state values,
 * property names and descriptions) is untrusted text: in HTML it must never become markup, in
 * Markdown it must never become formatting, links or raw HTML. Renderers call these and nothing
 * else.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML (and SVG) element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

/**
 * Text safe inside a Markdown line (running text, headings, table cells, list items): `&`, `<`,
 * `>` become entities, so no raw HTML or `<…>` autolink can appear; the punctuation of emphasis,
 * code spans, link syntax, table pipes, strikethrough and closing heading marks is
 * backslash-escaped; line breaks become spaces, so one value stays on one line. The text is never
 * placed at the start of a line, where `-`, `+` or `1.` would matter.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|[\r\n]/g, ' ')
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch])
    .replace(/[\\`*_[\]|#~!]/g, (ch) => `\\${ch}`);
}

/** A fenced code block whose fence is longer than any backtick run inside `body`. */
export function markdownFence(body: string, info = ''): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}
