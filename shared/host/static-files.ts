// What both hosts send with the built renderer: the page's Content-Security-Policy and each file's
// Content-Type. The build writes the same policy into index.html (pageHtmlWithCsp), so a page opened
// without our headers (file://, as the UI tests do) runs under it too, and the two cannot drift.

/** The page policy: nothing but our own script, style and data: images; no framing. */
const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Directives a <meta> policy may not carry (browsers ignore them there and warn): header only. */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

function policyOf(directives: readonly (readonly [string, string])[]): string {
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** The Content-Security-Policy header both hosts send with every file of the page. */
export const CONTENT_SECURITY_POLICY = policyOf(CSP_DIRECTIVES);

/** The same policy as index.html's <meta http-equiv> carries it. */
export const META_CONTENT_SECURITY_POLICY = policyOf(CSP_DIRECTIVES.filter(([name]) => !HEADER_ONLY_DIRECTIVES.has(name)));

/** Where renderer/index.html wants the policy's <meta> tag. */
export const CSP_META_PLACEHOLDER = '<!-- content-security-policy -->';

/** index.html with the placeholder replaced by the policy's <meta> tag; throws when there is no placeholder. */
export function pageHtmlWithCsp(html: string): string {
  if (!html.includes(CSP_META_PLACEHOLDER)) throw new Error(`index.html has no ${CSP_META_PLACEHOLDER} for the Content-Security-Policy.`);
  return html.replace(CSP_META_PLACEHOLDER, `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`);
}

const STATIC_CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

/** Content-Type for a file of the built renderer (both hosts serve it). */
export function contentTypeOf(fileName: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return STATIC_CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
