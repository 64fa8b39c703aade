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
 *
 * Links open outside the app: a new tab in browser mode, the system browser under Electron (whose
 * main process routes window-open of http(s) there). DOMPurify drops `target` and `rel`, so a hook
 * puts them back on every link it keeps. A bare URL ends before trailing punctuation and brackets
 * it does not open (`see https://x.org/a.png)}` links `https://x.org/a.png`).
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

/** Characters a bare URL does not end with (they end the sentence around it). */
const URL_TRAILING = new Set([".", ",", ":", ";", "!", "?", "*", "_", "~", "'", '"']);
const URL_CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{", ">": "<" };

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** A bare URL without the punctuation and unopened closing brackets that follow it in prose. */
export function trimUrlEnd(url: string): string {
  let end = url;
  for (;;) {
    const last = end.at(-1);
    if (last === undefined) return end;
    const opener = URL_CLOSERS[last];
    const unopened = opener !== undefined && count(end, last) > count(end, opener);
    if (!URL_TRAILING.has(last) && !unopened) return end;
    end = end.slice(0, -1);
  }
}

const markdown = new Marked({ gfm: true, breaks: true, async: false });
markdown.use({
  tokenizer: {
    // GFM's bare URLs (https://…, www.…), with their end trimmed as above; e-mails as marked has them.
    url(src) {
      const match = this.rules.inline.url.exec(src);
      if (!match || match[2] === "@") return false;
      const text = trimUrlEnd(match[0]);
      if (text === "") return false;
      const href = match[1] === "www." ? `http://${text}` : text;
      return {
        type: "link",
        raw: text,
        text,
        href,
        title: null,
        tokens: [{ type: "text", raw: text, text }],
      };
    },
  },
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
    ALLOWED_ATTR: ["class", "href", "title", "type", "checked", "disabled", "start", "align"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
};

/** The attributes of a link to open outside the app (what the DOMPurify hook sets). */
interface LinkElement {
  tagName: string;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
}

/** Makes a kept link open in a new tab (or the system browser) without giving it this window. */
export function openOutside(node: LinkElement): void {
  if (node.tagName.toUpperCase() !== "A" || !node.hasAttribute("href")) return;
  node.setAttribute("target", "_blank");
  node.setAttribute("rel", "noopener noreferrer");
}

if (DOMPurify.isSupported) DOMPurify.addHook("afterSanitizeAttributes", openOutside);

/** Renders chat text as sanitized role-play Markdown (HTML string safe for `dangerouslySetInnerHTML`). */
export function renderRoleplay(text: string, sanitize: HtmlSanitizer = domPurifySanitizer): string {
  const html = markdown.parse(text) as string;
  return sanitize(html);
}

/** Distinct texts whose HTML is kept: the rows of a long chat remount as they scroll back into view. */
export const RENDER_CACHE_SIZE = 500;
const rendered = new Map<string, string>();

/** `renderRoleplay` with the default sanitizer, remembered for the last `RENDER_CACHE_SIZE` texts. */
export function renderRoleplayCached(text: string): string {
  const known = rendered.get(text);
  if (known !== undefined) {
    // Most recently used last, so the oldest is the first to go.
    rendered.delete(text);
    rendered.set(text, known);
    return known;
  }
  const html = renderRoleplay(text);
  rendered.set(text, html);
  if (rendered.size > RENDER_CACHE_SIZE) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  return html;
}
