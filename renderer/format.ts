// What a result card says, as data: one list of lines that both the React card and the
// "Copy" text are made from, so the two never disagree. Pure: no DOM, no engine.
// The renderer only presents; what is wrong with a certificate comes from the engine's comments.
import type { CertInfo, ChainItem, Comment, EndpointResult, ProtocolVersion, Severity, TrustStoreName } from '../shared/types.ts';
import { SEVERITY_ORDER } from '../shared/types.ts';
import { handshakeClientCertificateText, sipOptionsFields } from '../shared/formats/sip-labels.ts';
import { PROFILE_TITLE, profileVerdicts } from '../shared/formats/profile-labels.ts';
import { certificateSourceLabel, keyExchangeText, RUNTIME_CLIENT_LABEL, runtimeClientText, shownVersions } from '../shared/formats/tls-labels.ts';
import { escapeControls } from '../shared/formats/safe-text.ts';

export type Tone = 'normal' | 'blue' | 'error' | 'muted';

export type CardLine =
  | { kind: 'text'; text: string; tone?: Tone }
  | { kind: 'field'; label: string; value: string; tone?: Tone }
  | { kind: 'block'; label: string; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'comment'; id: string; severity: Severity; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'versions'; versions: Partial<Record<ProtocolVersion, boolean>>; suites: Partial<Record<ProtocolVersion, string | null>> }
  /** Save buttons for one certificate; not part of the copied text. */
  | { kind: 'certActions'; cert: CertInfo; fileBase: string };

export interface CardSection {
  key: string;
  /** Heading written as the old tool wrote it ("Certificate Response:"); null for the opening lines. */
  title: string | null;
  lines: CardLine[];
}

export interface CardView {
  showAdvanced: boolean;
  showRootChain: boolean;
  /** Whether the run tested every pool address (Test DNSLB Pool). */
  testPool: boolean;
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  error: 'Error',
  warning: 'Warning',
  info: 'Info',
  ok: 'OK',
};

/** A glyph beside the colour, so severity is not told by colour alone. */
export const SEVERITY_ICON: Record<Severity, string> = {
  error: '✖',
  warning: '▲',
  info: 'ℹ',
  ok: '✔',
};

const STORE_NAME: Record<TrustStoreName, string> = {
  mozilla: 'Mozilla root store (bundled)',
  system: 'system certificate store',
  user: 'Trusted Roots added in this app',
};

const SOURCE_NAME: Record<ChainItem['source'], string> = {
  served: 'sent by the server',
  store: 'from the trust store',
  user: 'from Trusted Roots added in this app',
  aia: 'fetched from the AIA caIssuers URL (the server did not send it)',
};

function isIpv6(host: string): boolean {
  return host.includes(':');
}

/** "host:port" as the old tool printed it, IPv6 in brackets. */
export function hostPort(host: string, port: number | null): string {
  const shown = isIpv6(host) ? `[${host}]` : host;
  return port === null ? shown : `${shown}:${port}`;
}

/** ISO 8601 -> "2025-03-01 12:00:00 UTC": unambiguous for admins in any locale. */
export function formatDate(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatPublicKey(key: CertInfo['publicKey']): string {
  const parts = [key.algorithm];
  if (key.size) parts.push(`(${key.size} bits)`);
  if (key.curve) parts.push(key.curve);
  return parts.filter(Boolean).join(' ');
}

const SAN_LABEL: Record<string, string> = { dns: 'DNS Name', ip: 'IP Address', email: 'RFC822 Name', uri: 'URL', other: 'Other Name' };

export function formatSan(cert: CertInfo): string {
  if (cert.sanEntries?.length) return cert.sanEntries.map((entry) => `${SAN_LABEL[entry.type] ?? entry.type}=${entry.value}`).join(', ');
  return cert.san.join(', ');
}

const trueFalse = (value: boolean) => (value ? 'True' : 'False');

/** A safe file name stem from a certificate's common name or thumbprint. */
export function certFileBase(cert: CertInfo): string {
  const name = (cert.commonName ?? '').replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9._-]+/gi, '_').replace(/^_+|_+$/g, '');
  return name || cert.thumbprint.slice(0, 16) || 'certificate';
}

function certCoreFields(cert: CertInfo, subjectLabel: string, issuerLabel: string): CardLine[] {
  if (cert.parseError) return [{ kind: 'text', tone: 'error', text: `ERROR: The certificate could not be decoded: ${cert.parseError}` }];
  return [
    { kind: 'field', label: subjectLabel, value: cert.subject },
    { kind: 'field', label: issuerLabel, value: cert.issuer },
    // Empty only when the field names no time (the comment invalid-validity-date says which text it holds).
    { kind: 'field', label: 'Not Before', value: formatDate(cert.notBefore) || '(not a valid time: see Comments)' },
    { kind: 'field', label: 'Not After', value: formatDate(cert.notAfter) || '(not a valid time: see Comments)' },
    { kind: 'field', label: 'Serial Number', value: cert.serialNumber || '(empty: see Comments)' },
    { kind: 'field', label: 'Signature Algorithm', value: cert.signatureAlgorithm },
    { kind: 'field', label: 'Thumbprint', value: cert.thumbprint },
    { kind: 'field', label: 'Version', value: cert.version },
  ];
}

function leafLines(cert: CertInfo): CardLine[] {
  const lines = certCoreFields(cert, 'Subject', 'Issuer');
  if (cert.parseError) return lines;
  lines.push({ kind: 'field', label: 'Public Key', value: formatPublicKey(cert.publicKey) });
  lines.push({ kind: 'field', label: 'SAN Names', value: formatSan(cert) || '(none)' });
  return lines;
}

function tlsLines(result: EndpointResult): CardLine[] {
  const { tls } = result;
  const lines: CardLine[] = [];
  if (tls.protocol) lines.push({ kind: 'field', label: 'TLS Protocol', value: tls.protocol });
  if (tls.cipher) lines.push({ kind: 'field', label: 'TLS Cipher', value: tls.cipher });
  const keyExchange = keyExchangeText(tls);
  if (keyExchange) lines.push({ kind: 'field', label: 'Key Exchange', value: keyExchange });
  if (result.certificateSource) {
    lines.push({ kind: 'field', label: 'Certificates From', value: certificateSourceLabel(result.certificateSource), tone: result.certificateSource === 'wire' ? 'normal' : 'error' });
  }
  const runtime = runtimeClientText(tls);
  if (runtime) lines.push({ kind: 'field', label: RUNTIME_CLIENT_LABEL, value: runtime });
  const ourCertificate = handshakeClientCertificateText(tls);
  if (ourCertificate) lines.push({ kind: 'field', label: 'Client Certificate', value: ourCertificate, tone: tls.runtimeClient?.clientCertificate === 'refused' ? 'error' : 'normal' });
  if (tls.handshakeMs !== null && tls.handshakeMs !== undefined) lines.push({ kind: 'field', label: 'Handshake Time', value: `${tls.handshakeMs} ms` });
  if (tls.handshakeError) lines.push({ kind: 'field', label: 'Handshake Error', value: tls.handshakeError.message, tone: 'error' });
  if (tls.versions) lines.push({ kind: 'versions', versions: tls.versions, suites: tls.suites ?? {} });
  // Without a certificate "not requested" only means the handshake never got that far.
  if (tls.clientCertRequested !== undefined && (tls.clientCertRequested || result.served.length > 0)) {
    lines.push({ kind: 'field', label: 'Client Cert Requested', value: tls.clientCertRequested ? 'Yes' : 'No' });
  }
  if (tls.acceptableCAs && (tls.acceptableCAs.length > 0 || tls.clientCertRequested)) {
    lines.push({
      kind: 'block',
      label: 'Acceptable CAs',
      text: tls.acceptableCAs.length ? tls.acceptableCAs.join('\n') : '(the server named none: any CA)',
    });
  }
  return lines;
}

function revocationLines(result: EndpointResult): CardLine[] {
  const revocation = result.revocation;
  if (!revocation) return [];
  const method = { crl: 'CRL', ocsp: 'OCSP', 'ocsp-staple': 'stapled OCSP', none: 'not checked' }[revocation.method] ?? revocation.method;
  const status = { good: 'Good', revoked: 'Revoked', unknown: 'Unknown' }[revocation.status] ?? revocation.status;
  const lines: CardLine[] = [
    {
      kind: 'field',
      label: 'Revocation',
      value: `${status} (${method}${revocation.checkedAt ? `, checked ${formatDate(revocation.checkedAt)}` : ''})`,
      tone: revocation.status === 'revoked' ? 'error' : 'normal',
    },
  ];
  if (revocation.details) lines.push({ kind: 'block', label: 'Revocation Details', text: revocation.details });
  const perCert = revocation.certificates ?? [];
  if (perCert.length) {
    const label = (c: (typeof perCert)[number]) => ({ good: 'Good', revoked: 'Revoked', unknown: 'Unknown' })[c.status] ?? c.status;
    lines.push({
      kind: 'block',
      label: 'Revocation per Certificate',
      text: perCert
        .map((c) => `${c.subject}: ${label(c)}${c.reason ? ` (${c.reason}${c.revokedAt ? `, ${formatDate(c.revokedAt)}` : ''})` : ''}. ${c.details}`)
        .join('\n'),
    });
  }
  return lines;
}

function extensionLines(cert: CertInfo): CardLine[] {
  if (cert.parseError || cert.extensions.length === 0) return [{ kind: 'text', tone: 'muted', text: '(no extensions)' }];
  const lines: CardLine[] = [];
  for (const extension of cert.extensions) {
    lines.push({ kind: 'subheading', text: `Extension Type: ${extension.name}` });
    lines.push({ kind: 'field', label: 'Oid Value', value: extension.oid });
    lines.push({ kind: 'field', label: 'Critical', value: trueFalse(extension.critical) });
    lines.push({ kind: 'block', label: 'Data', text: extension.data });
  }
  return lines;
}

function chainLines(result: EndpointResult): CardLine[] {
  const lines: CardLine[] = [];
  lines.push({ kind: 'subheading', text: `As sent by the server (${result.served.length} certificate${result.served.length === 1 ? '' : 's'}):` });
  const facts = result.servedChain;
  result.served.forEach((cert, index) => {
    const unused = facts?.unusedIndexes.includes(index) ? ' (not on the chain path)' : '';
    lines.push({ kind: 'subheading', text: `Served Certificate ${index + 1}${unused}` });
    lines.push(...certCoreFields(cert, 'Subject', 'Issuer'));
    if (!cert.parseError) lines.push({ kind: 'certActions', cert, fileBase: certFileBase(cert) });
  });

  if (facts) {
    lines.push({ kind: 'field', label: 'Sent in chain order', value: facts.inOrder ? 'Yes' : 'No' });
    lines.push({ kind: 'field', label: 'Root sent', value: facts.rootSent ? 'Yes' : 'No' });
    if (facts.notSentIntermediates.length) lines.push({ kind: 'block', label: 'Not sent by server', text: facts.notSentIntermediates.join('\n') });
    if (facts.missingIssuer) lines.push({ kind: 'field', label: 'Issuer not found', value: facts.missingIssuer, tone: 'error' });
  }

  lines.push({ kind: 'subheading', text: `As built by a client (leaf to root, ${result.chain.length} certificate${result.chain.length === 1 ? '' : 's'}):` });
  if (result.chain.length === 0) lines.push({ kind: 'text', tone: 'muted', text: '(no chain could be built)' });
  result.chain.forEach((item, index) => {
    lines.push({ kind: 'subheading', text: `Certificate Chain Item ${index + 1}` });
    lines.push(...certCoreFields(item.cert, 'Chain Subject Name', 'Chain Issuer name'));
    lines.push({ kind: 'field', label: 'Source', value: SOURCE_NAME[item.source] ?? item.source });
    lines.push({
      kind: 'field',
      label: 'Chain is valid',
      value: item.valid ? 'True' : `False${item.reason ? ` (${item.reason})` : ''}`,
      tone: item.valid ? 'normal' : 'error',
    });
    if (!item.cert.parseError) lines.push({ kind: 'certActions', cert: item.cert, fileBase: certFileBase(item.cert) });
  });

  const trust = result.trust;
  if (trust) {
    if (trust.trusted) {
      const store = trust.store ? STORE_NAME[trust.store] ?? trust.store : 'a trust store';
      lines.push({ kind: 'field', label: 'Trusted', value: `True, by the ${store}${trust.root ? ` (root: ${trust.root})` : ''}` });
    } else {
      lines.push({
        kind: 'field',
        label: 'Trusted',
        value: `False${trust.reason ? `: ${trust.reason}` : ''}${trust.root ? ` (chain ends at: ${trust.root})` : ''}`,
        tone: 'error',
      });
    }
  }
  if (result.rootLinks.length > 0) {
    lines.push({ kind: 'subheading', text: 'Root Certificates:' });
    for (const link of result.rootLinks) lines.push({ kind: 'link', label: link.label, url: link.url });
  }
  return lines;
}

/** The opening lines: SRV record, pool note, what was connected to, and any error. */
function openingLines(result: EndpointResult, view: CardView): CardLine[] {
  const lines: CardLine[] = [];
  if (result.srv !== null || result.srvRecord) {
    const record = result.srvRecord;
    const target = record ? ` -> ${hostPort(record.target, record.port)} (priority ${record.priority}, weight ${record.weight})` : '';
    lines.push({ kind: 'text', tone: 'blue', text: `SRV Record: ${result.type} ${result.target}${target}` });
  }
  const pool = result.poolAddresses ?? [];
  if (!result.poolMember && pool.length > 1) {
    lines.push({
      kind: 'text',
      tone: 'blue',
      text: view.testPool
        ? `INFO: ${result.host} DNS Resolves to multiple IPs (${pool.join(', ')}). Testing all servers in pool`
        : `INFO: ${result.host} DNS Resolves to multiple IPs (${pool.join(', ')}). Test DNSLB Pool is off: testing the first only`,
    });
  }
  if (result.poolMember) {
    const position = pool.indexOf(result.ip ?? '');
    lines.push({
      kind: 'text',
      tone: 'blue',
      text: `Pool member${position >= 0 ? ` ${position + 1} of ${pool.length}` : ''} of ${result.host}`,
    });
  }
  if (result.ip === null || result.host !== result.ip) lines.push({ kind: 'text', tone: 'blue', text: `Checking FQDN: ${hostPort(result.host, result.port)}` });
  if (result.ip !== null) lines.push({ kind: 'text', tone: 'blue', text: `Checking IP Address: ${hostPort(result.ip, result.port)}` });
  if (result.error) lines.push({ kind: 'text', tone: 'error', text: `ERROR: ${result.error.message}` });
  return lines;
}

/** The OPTIONS answer (or why there was none) and the far end's verdict on our certificate. */
function sipLines(sip: NonNullable<EndpointResult['sip']>): CardLine[] {
  const failed = sip.statusCode === null || sip.statusCode >= 300 || sip.clientCertificate?.verdict === 'refused';
  return sipOptionsFields(sip).map(([label, value]) => ({
    kind: 'field',
    label,
    value,
    tone: (label === 'Status' || label === 'Our certificate') && failed ? 'error' : 'normal',
  }));
}

/** Everything a card shows for one endpoint result, in the old tool's order. */
export function cardSections(result: EndpointResult, view: CardView): CardSection[] {
  const sections: CardSection[] = [{ key: 'opening', title: null, lines: openingLines(result, view) }];
  // The profile's verdicts answer the question the admin asked (is this SBC ready?): they go first.
  const toLine = (comment: Comment): CardLine => ({ kind: 'comment', id: comment.id, severity: comment.severity, text: comment.text });
  const verdicts = result.profile ? profileVerdicts(result.comments) : [];
  if (result.profile && verdicts.length) sections.push({ key: 'profile', title: `${PROFILE_TITLE[result.profile]}:`, lines: verdicts.map(toLine) });
  const comments = result.comments.filter((comment) => !verdicts.includes(comment));
  const leaf = result.served[0];
  if (leaf) {
    sections.push({ key: 'response', title: 'Certificate Response:', lines: [...leafLines(leaf), ...tlsLines(result), ...revocationLines(result)] });
    if (view.showAdvanced) sections.push({ key: 'extensions', title: 'Extensions:', lines: extensionLines(leaf) });
    if (view.showRootChain) sections.push({ key: 'chain', title: 'Certificate Chain:', lines: chainLines(result) });
  } else {
    const tls = [...tlsLines(result), ...revocationLines(result)];
    if (tls.length) sections.push({ key: 'response', title: 'Connection:', lines: tls });
  }
  if (result.sip) sections.push({ key: 'sip', title: 'SIP OPTIONS Response:', lines: sipLines(result.sip) });
  if (comments.length > 0) sections.push({ key: 'comments', title: 'Comments:', lines: comments.map(toLine) });
  return sections;
}

function lineText(line: CardLine): string | null {
  switch (line.kind) {
    case 'text':
    case 'subheading':
      return line.text;
    case 'field':
      return `${line.label}: ${line.value}`;
    case 'block':
      // The block's own line breaks stay; each line is escaped like every other.
      return [`${line.label}:`, ...line.text.split('\n').map((text) => `    ${text}`)].map((text) => escapeControls(text)).join('\n');
    case 'comment':
      return `- [${SEVERITY_LABEL[line.severity]}] ${line.text}`;
    case 'link':
      return `${line.label}: ${line.url}`;
    case 'versions':
      return `TLS Versions: ${shownVersions(line.versions)
        .map((v) => `${v} ${line.versions[v] ? 'Yes' : 'No'}`)
        .join(', ')}`;
    case 'certActions':
      return null;
  }
}

/**
 * The admin's layout: the comments (what is wrong and what to do) first, then where it connected (SRV, FQDN,
 * IP lines), then the certificate. The sections are the old tool's; only their order changes, so the
 * "Old tool's layout" preference and the copied text keep the old order.
 */
export function verdictFirstSections(sections: CardSection[]): CardSection[] {
  const rank = (key: string) => (key === 'profile' ? 0 : key === 'comments' ? 1 : key === 'opening' ? 2 : 3);
  const ordered = sections.map((section, index) => ({ section, index })).sort((a, b) => rank(a.section.key) - rank(b.section.key) || a.index - b.index);
  return ordered.map(({ section }) => (section.key === 'comments' ? { ...section, lines: worstFirst(section.lines) } : section));
}

/** Comment lines, errors first (the engine's order within a severity): the top of the list is what to fix. */
function worstFirst(lines: CardLine[]): CardLine[] {
  const rank = (line: CardLine) => (line.kind === 'comment' ? SEVERITY_ORDER.indexOf(line.severity) : SEVERITY_ORDER.length);
  return lines.map((line, index) => ({ line, index })).sort((a, b) => rank(a.line) - rank(b.line) || a.index - b.index).map(({ line }) => line);
}

/** Whether a card belongs to a DNS load-balanced pool that was tested member by member (the first member too). */
export function isTestedPool(result: EndpointResult, testPool: boolean): boolean {
  return result.poolMember || (testPool && (result.poolAddresses?.length ?? 0) > 1);
}

/** The card as plain text, for the clipboard. */
export function cardText(sections: CardSection[]): string {
  const out: string[] = [];
  for (const section of sections) {
    if (section.title) out.push(section.title);
    for (const line of section.lines) {
      const text = lineText(line);
      // Certificate fields come from strangers: a pasted control character must not act in a terminal or editor.
      if (text !== null) out.push(line.kind === 'block' ? text : escapeControls(text));
    }
  }
  return out.join('\n') + '\n';
}

/** How many comments of each severity, for the card's summary badges. */
export function severityCounts(result: EndpointResult): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const comment of result.comments) counts[comment.severity] = (counts[comment.severity] ?? 0) + 1;
  return counts;
}

/** The card's title: where it connected. */
export function cardTitle(result: EndpointResult): string {
  return hostPort(result.host, result.port);
}

