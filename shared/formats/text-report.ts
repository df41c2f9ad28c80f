// Results as text, in the old tool's layout, for the command line and the app's "Copy" button. Pure.
// Every line is escaped (safe-text.ts): certificate fields and server messages come from strangers,
// and a terminal obeys the escape sequences in them.
import { escapeControls } from './safe-text.ts';
import type { CertInfo, ChainItem, Comment, EndpointResult } from '../types.ts';
import { PROFILE_TITLE, profileVerdicts } from './profile-labels.ts';
import { hostPort } from '../engine/target.ts';
import { handshakeClientCertificateText, sipOptionsFields } from './sip-labels.ts';
import { certificateSourceLabel, keyExchangeText, RUNTIME_CLIENT_LABEL, runtimeClientText, shownVersions } from './tls-labels.ts';

export interface TextReportOptions {
  advanced: boolean;
  rootChain: boolean;
}

const RULE = '+'.repeat(82);
/** A decoded certificate has an empty date only when the field names no time (rule invalid-validity-date). */
const NO_VALID_TIME = '(not a valid time: see the comments)';

function certFields(cert: CertInfo, indent = ''): string[] {
  if (cert.parseError) return [`${indent}Certificate could not be read: ${cert.parseError}`, `${indent}Thumbprint: ${cert.thumbprint}`];
  const key = cert.publicKey.size ? `${cert.publicKey.algorithm} (${cert.publicKey.size} bits${cert.publicKey.curve ? `, ${cert.publicKey.curve}` : ''})` : cert.publicKey.algorithm;
  return [
    `Subject: ${cert.subject}`,
    `Issuer: ${cert.issuer}`,
    `Not Before: ${cert.notBefore || NO_VALID_TIME}`,
    `Not After: ${cert.notAfter || NO_VALID_TIME}`,
    `Serial Number: ${cert.serialNumber || '(empty: see the comments)'}`,
    `Signature Algorithm: ${cert.signatureAlgorithm}`,
    `Thumbprint: ${cert.thumbprint}`,
    `Version: ${cert.version}`,
    `Public Key: ${key}`,
    `Subject Alternative Names: ${cert.san.length ? cert.san.join(', ') : '(none)'}`,
  ].map((line) => indent + line);
}

function extensionLines(cert: CertInfo): string[] {
  const lines: string[] = [];
  for (const ext of cert.extensions) {
    lines.push(`Extension Type: ${ext.name}${ext.critical ? ' (critical)' : ''}`, `Oid Value: ${ext.oid}`, 'Data:');
    lines.push(...ext.data.split('\n').map((l) => `    ${l}`));
  }
  return lines;
}

function chainLines(title: string, items: { cert: CertInfo; extra: string[] }[]): string[] {
  const lines = [title];
  items.forEach(({ cert, extra }, i) => {
    lines.push(`Certificate Chain Item ${i + 1}`);
    lines.push(...certFields(cert, '  ').map((l) => l.replace(/^ {2}Subject:/, '  Chain Subject Name:').replace(/^ {2}Issuer:/, '  Chain Issuer name:')));
    lines.push(...extra.map((l) => `  ${l}`));
  });
  return lines;
}

function builtChainExtra(item: ChainItem): string[] {
  return [`Source: ${item.source}`, `Chain is valid: ${item.valid ? 'True' : 'False'}${item.reason ? ` (${item.reason})` : ''}`];
}

/** One endpoint's block. */
export function endpointText(result: EndpointResult, options: TextReportOptions): string {
  return endpointLines(result, options)
    .map((line) => escapeControls(line))
    .join('\n');
}

function endpointLines(result: EndpointResult, options: TextReportOptions): string[] {
  const lines: string[] = [RULE];
  if (result.srv) {
    const record = result.srvRecord;
    lines.push(`SRV Record: ${result.type} ${result.target}`);
    if (record) lines.push(`  ${record.name} -> ${record.target}:${record.port} (priority ${record.priority}, weight ${record.weight})`);
  }
  if (!result.poolMember && result.poolAddresses.length > 1) {
    lines.push(`INFO: ${result.host} DNS Resolves to multiple IPs (${result.poolAddresses.join(', ')}). Testing all servers in pool`);
  }
  if (result.host !== result.ip) lines.push(`Checking FQDN: ${hostPort(result.host, result.port)}`);
  if (result.ip) lines.push(`Checking IP Address: ${hostPort(result.ip, result.port)}${result.poolMember ? ' (other pool member)' : ''}`);
  if (result.error) {
    lines.push(`ERROR: ${result.error.message} [${result.error.code}]`);
    // The comments say what to try (not-checked), so the admin reading the text is not left with the error alone.
    return [...lines, ...sipLines(result), ...commentLines(result)];
  }
  const leaf = result.served[0];
  if (leaf) {
    lines.push('Certificate Response:', ...certFields(leaf));
    if (options.advanced) lines.push(...extensionLines(leaf));
  }
  const tls = result.tls;
  lines.push(`TLS: ${tls.protocol ?? 'not negotiated'}${tls.cipher ? `, ${tls.cipher}` : ''}${tls.handshakeMs !== null ? ` (${tls.handshakeMs} ms)` : ''}`);
  const keyExchange = keyExchangeText(tls);
  if (keyExchange) lines.push(`Key exchange: ${keyExchange}`);
  if (result.certificateSource) lines.push(`Certificates from: ${certificateSourceLabel(result.certificateSource)}`);
  const runtime = runtimeClientText(tls);
  if (runtime) lines.push(`${RUNTIME_CLIENT_LABEL}: ${runtime}`);
  const ourCertificate = handshakeClientCertificateText(tls);
  if (ourCertificate) lines.push(`Client certificate: ${ourCertificate}`);
  if (tls.versions) lines.push(`TLS versions accepted: ${shownVersions(tls.versions).map((v) => `${v} ${tls.versions![v] ? 'yes' : 'no'}`).join(', ')}`);
  if (tls.handshakeError) lines.push(`Handshake: ${tls.handshakeError.message}`);
  if (tls.acceptableCAs?.length) lines.push('Acceptable client certificate CAs:', ...tls.acceptableCAs.map((dn) => `  ${dn}`));
  if (result.revocation) {
    lines.push(`Revocation: ${result.revocation.status} (${result.revocation.method}) ${result.revocation.details}`);
    for (const cert of result.revocation.certificates ?? []) {
      lines.push(`  ${cert.subject}: ${cert.status} (${cert.method})${cert.reason ? `, ${cert.reason}` : ''}${cert.revokedAt ? ` on ${cert.revokedAt}` : ''}. ${cert.details}`);
    }
  }

  lines.push(...sipLines(result));
  if (options.rootChain) {
    lines.push(...chainLines('Certificate Chain (as served):', result.served.map((cert) => ({ cert, extra: [] }))));
    lines.push(...chainLines('Certificate Chain (as built):', result.chain.map((item) => ({ cert: item.cert, extra: builtChainExtra(item) }))));
    if (result.trust) {
      lines.push(result.trust.trusted ? `Trusted: yes, by the ${result.trust.store} store` : `Trusted: no${result.trust.reason ? ` (${result.trust.reason})` : ''}`);
    }
    if (result.rootLinks.length) lines.push('Root Certificates:', ...result.rootLinks.map((link) => `- ${link.label}: ${link.url}`));
  }
  return [...lines, ...commentLines(result)];
}

/** The profile's verdicts in a section of their own, ahead of the other comments (the card shows them first). */
function commentLines(result: EndpointResult): string[] {
  const lines: string[] = [];
  const commentLine = (c: Comment) => `- [${c.severity.toUpperCase()}] ${c.text} (${c.id})`;
  const verdicts = result.profile ? profileVerdicts(result.comments) : [];
  if (result.profile && verdicts.length) lines.push(`${PROFILE_TITLE[result.profile]}:`, ...verdicts.map(commentLine));
  const others = result.comments.filter((c) => !verdicts.includes(c));
  if (others.length) lines.push('Comments:', ...others.map(commentLine));
  return lines;
}

function sipLines(result: EndpointResult): string[] {
  if (!result.sip) return [];
  return ['SIP OPTIONS Response:', ...sipOptionsFields(result.sip).map(([label, value]) => `  ${label}: ${value}`)];
}

export function resultsText(results: EndpointResult[], options: TextReportOptions): string {
  return results.map((r) => endpointText(r, options)).join('\n') + '\n';
}
