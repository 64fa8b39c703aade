import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  openOutside,
  renderRoleplay,
  renderRoleplayCached,
  trimUrlEnd,
} from "../../renderer/src/markdown/renderRoleplay";

/**
 * These run under plain Node, where DOMPurify has no DOM and passes HTML through. That is deliberate: the
 * identity sanitizer below proves the Markdown layer alone never emits raw HTML from the text, and the
 * default sanitizer is exercised too, so the module stays importable without a DOM.
 */
const identity = (html: string) => html;

/** Every tag name the output contains. */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? "").toLowerCase());
}

const ALLOWED = new Set([
  "p",
  "br",
  "em",
  "strong",
  "span",
  "code",
  "pre",
  "a",
  "ul",
  "ol",
  "li",
  "blockquote",
  "del",
]);

describe("renderRoleplay", () => {
  it.each([
    ["script tag", "Hello <script>alert(1)</script> there"],
    ["script block", "<script>\nalert(1)\n</script>"],
    ["img onerror", 'Look: <img src=x onerror="alert(1)">'],
    ["img onerror block", "<img src=x onerror=alert(1)>"],
    ["iframe", '<iframe src="https://evil.example"></iframe>'],
    ["svg onload", "<svg onload=alert(1)></svg>"],
    ["inline handler in speech", '"<b onmouseover=alert(1)>hi</b>"'],
    ["style tag", "<style>body{display:none}</style>"],
  ])("never lets raw HTML through: %s", (_name, text) => {
    for (const sanitize of [identity, undefined]) {
      const html = renderRoleplay(text, sanitize);
      expect(html).not.toMatch(/<script|<img|<iframe|<svg|<style|<b[\s>]/i);
      // Escaped text may read "onerror=…"; what matters is that no real tag carries a handler.
      for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) expect(tag).not.toMatch(/\son\w+\s*=/i);
      for (const tag of tagsOf(html)) expect(ALLOWED).toContain(tag);
    }
  });

  it("shows escaped HTML as readable text", () => {
    expect(renderRoleplay("<script>alert(1)</script>", identity)).toContain(
      "&lt;script&gt;alert(1)&lt;/script&gt;",
    );
  });

  it("drops javascript: links but keeps their text", () => {
    const html = renderRoleplay("[click me](javascript:alert(1))", identity);
    expect(html).not.toMatch(/href/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain("click me");
  });

  it("keeps http links, opening outside the app", () => {
    const html = renderRoleplay("[docs](https://example.com/a?b=1&c=2)", identity);
    expect(html).toContain('href="https://example.com/a?b=1&amp;c=2"');
    expect(html).toContain('rel="noopener noreferrer"');
  });

  it("shows images as their alt text (offline app, no remote loads)", () => {
    const html = renderRoleplay("![a cat](https://example.com/cat.png)", identity);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain("a cat");
  });

  it("marks *actions* with the action class", () => {
    const html = renderRoleplay("*waves slowly* Hello.", identity);
    expect(html).toContain('<em class="rp-action">waves slowly</em>');
  });

  it('marks "speech" with the speech class and keeps the quotes', () => {
    const html = renderRoleplay('She smiles. "Welcome, traveller." *bows*', identity);
    expect(html).toContain('<span class="rp-speech">&quot;Welcome, traveller.&quot;</span>');
    expect(html).toContain('<em class="rp-action">bows</em>');
  });

  it("handles curly quotes and actions inside speech", () => {
    const html = renderRoleplay("\u201cWell, *sigh* fine.\u201d", identity);
    expect(html).toContain(
      '<span class="rp-speech">\u201cWell, <em class="rp-action">sigh</em> fine.\u201d</span>',
    );
  });

  it("leaves an unmatched quote as text", () => {
    const html = renderRoleplay('He said "wait and left', identity);
    expect(html).not.toContain("rp-speech");
    expect(html).toContain("&quot;wait and left");
  });

  it("shows chat-template tokens such as <|im_end|> as text", () => {
    const html = renderRoleplay("Goodbye.<|im_end|>\n<|im_start|>user", identity);
    expect(html).toContain("&lt;|im_end|&gt;");
    expect(html).toContain("&lt;|im_start|&gt;user");
    expect(tagsOf(html).every((t) => ALLOWED.has(t))).toBe(true);
  });

  it("styles fenced code blocks and escapes their content", () => {
    const html = renderRoleplay('```js\nconst a = "<b>";\n```', identity);
    expect(html).toContain('<pre class="rp-code"><code class="language-js">');
    expect(html).toContain("&lt;b&gt;");
    expect(html).not.toContain("rp-speech");
  });

  it("keeps single newlines as line breaks (role-play paragraphs)", () => {
    expect(renderRoleplay("line one\nline two", identity)).toContain("line one<br>line two");
  });
});

/** The href and the text of every link of some HTML. */
function linksOf(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a href="([^"]*)"[^>]*>(.*?)<\/a>/g)].map((m) => ({
    href: m[1] ?? "",
    text: m[2] ?? "",
  }));
}

describe("bare URLs", () => {
  it.each([
    ["see https://x.org/a.png)}", "https://x.org/a.png", ")}"],
    ["(see https://x.org/a.png).", "https://x.org/a.png", ")."],
    ["Look: https://x.org/page, then", "https://x.org/page", ", then"],
    ['"https://x.org/q"!', "https://x.org/q", "&quot;</span>!"],
    ["*see https://x.org/a* now", "https://x.org/a", "</em> now"],
    ["[https://x.org/list]", "https://x.org/list", "]"],
    ["{https://x.org/x}?", "https://x.org/x", "}?"],
  ])("%s links only the URL", (text, href, after) => {
    const html = renderRoleplay(text, identity);
    expect(linksOf(html)).toEqual([{ href, text: href }]);
    expect(html).toContain(`</a>${after}`);
  });

  it("keeps brackets the URL opened itself, and query strings whole", () => {
    expect(linksOf(renderRoleplay("the https://en.x.org/wiki/Foo_(bar), page", identity))).toEqual([
      { href: "https://en.x.org/wiki/Foo_(bar)", text: "https://en.x.org/wiki/Foo_(bar)" },
    ]);
    expect(linksOf(renderRoleplay("go to https://x.org/a?b=1&c=2.", identity))[0]?.href).toBe(
      "https://x.org/a?b=1&amp;c=2",
    );
    expect(linksOf(renderRoleplay("www.x.org/path].", identity))).toEqual([
      { href: "http://www.x.org/path", text: "www.x.org/path" },
    ]);
  });

  it("trims only what follows the URL in prose", () => {
    expect(trimUrlEnd("https://x.org/a.png)}")).toBe("https://x.org/a.png");
    expect(trimUrlEnd("https://x.org/(a)")).toBe("https://x.org/(a)");
    expect(trimUrlEnd("https://x.org/a_b")).toBe("https://x.org/a_b");
    expect(trimUrlEnd("https://x.org/?q=1...")).toBe("https://x.org/?q=1");
  });
});

describe("links open outside the app", () => {
  function element(tagName: string, attributes: Record<string, string>) {
    return {
      tagName,
      attributes,
      hasAttribute: (name: string) => Object.hasOwn(attributes, name),
      setAttribute: (name: string, value: string) => {
        attributes[name] = value;
      },
    };
  }

  it("gives every link the sanitizer kept a new tab and no opener", () => {
    const link = element("A", { href: "https://x.org" });
    openOutside(link);
    expect(link.attributes).toEqual({ href: "https://x.org", target: "_blank", rel: "noopener noreferrer" });
  });

  it("leaves other elements and links without an address alone", () => {
    const span = element("SPAN", { class: "rp-speech" });
    const anchor = element("A", {});
    openOutside(span);
    openOutside(anchor);
    expect(span.attributes).toEqual({ class: "rp-speech" });
    expect(anchor.attributes).toEqual({});
  });
});

describe("renderRoleplayCached", () => {
  it("renders as renderRoleplay does, for repeated and new texts alike", () => {
    const texts = Array.from(
      { length: 700 },
      (_, i) => `*waves* "Hello ${i % 300}" https://x.org/${i % 300}.`,
    );
    for (const text of texts) expect(renderRoleplayCached(text)).toBe(renderRoleplay(text));
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
