/**
 * Model (and user) text → safe HTML, the single choke point where chat text becomes markup.
 *
 * Two independent layers:
 * 1. marked never emits raw HTML from the input: every HTML block or tag in the text is escaped and shown as
 *    text, links are limited to http(s)/mailto and images are shown as their alt text (the app is offline).
 * 2. The result then goes through a sanitizer (DOMPurify with an allow-list in the browser). Tests can inject
 *    their own, since DOMPurify needs a DOM.
 *
 * Role-play styling: `*actions*` become `<em class="rp-action">`, `"speech"` (straight or curly quotes) is
 * wrapped in `<span class="rp-speech">` with its quotes kept.
 */
import DOMPurify from "dompurify";
import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";

export type HtmlSanitizer = (html: string) => string;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const SAFE_URL = /^(https?:|mailto:)/i;

interface SpeechToken extends Tokens.Generic {
  type: "speech";
  raw: string;
  open: string;
  close: string;
  tokens: Tokens.Generic[];
}

const SPEECH = /^(?:"([^"\n]+)"|\u201c([^\u201d\n]+)\u201d)/;

const speech: TokenizerAndRendererExtension = {
  name: "speech",
  level: "inline",
  start(src) {
    const index = src.search(/["\u201c]/);
    return index === -1 ? undefined : index;
  },
  tokenizer(src): SpeechToken | undefined {
    const match = SPEECH.exec(src);
    if (!match) return undefined;
    const inner = match[1] ?? match[2] ?? "";
    const curly = match[1] === undefined;
    return {
      type: "speech",
      raw: match[0],
      open: curly ? "\u201c" : '"',
      close: curly ? "\u201d" : '"',
      tokens: this.lexer.inlineTokens(inner),
    };
  },
  renderer(token) {
    const t = token as SpeechToken;
    return `<span class="rp-speech">${escapeHtml(t.open)}${this.parser.parseInline(t.tokens)}${escapeHtml(t.close)}</span>`;
  },
};

const markdown = new Marked({ gfm: true, breaks: true, async: false });
markdown.use({
  extensions: [speech],
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    em({ tokens }) {
      return `<em class="rp-action">${this.parser.parseInline(tokens)}</em>`;
    },
    link({ href, title, tokens }) {
      const label = this.parser.parseInline(tokens);
      if (!SAFE_URL.test(href.trim())) return label;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(href.trim())}"${titleAttr} target="_blank" rel="noopener noreferrer">${label}</a>`;
    },
    image({ text }) {
      return escapeHtml(text);
    },
    code({ text, lang }) {
      const language = lang?.match(/^[\w+#.-]+/)?.[0];
      const cls = language ? ` class="language-${escapeHtml(language)}"` : "";
      return `<pre class="rp-code"><code${cls}>${escapeHtml(text)}</code></pre>\n`;
    },
  },
});

const ALLOWED_TAGS = [
  "a",
  "blockquote",
  "br",
  "code",
  "del",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "li",
  "ol",
  "p",
  "pre",
  "span",
  "strong",
  "table",
  "tbody",
  "td",
  "th",
  "thead",
  "tr",
  "ul",
  "input",
];

/** DOMPurify with a tight allow-list. Without a DOM (plain Node) DOMPurify cannot run, and layer 1 stands alone. */
export const domPurifySanitizer: HtmlSanitizer = (html) => {
  if (!DOMPurify.isSupported) return html;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [
      "class",
      "href",
      "title",
      "target",
      "rel",
      "type",
      "checked",
      "disabled",
      "start",
      "align",
    ],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    ADD_ATTR: ["target"],
  });
};

/** Renders chat text as sanitized role-play Markdown (HTML string safe for `dangerouslySetInnerHTML`). */
export function renderRoleplay(text: string, sanitize: HtmlSanitizer = domPurifySanitizer): string {
  const html = markdown.parse(text) as string;
  return sanitize(html);
}
