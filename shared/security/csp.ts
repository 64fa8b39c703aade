/**
 * The Content-Security-Policy of every page Masque serves: the Electron window (header and meta
 * tag), the built renderer (meta tag) and the web host (header). `frame-ancestors` is only
 * honoured as a header, so the web host adds it there.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
