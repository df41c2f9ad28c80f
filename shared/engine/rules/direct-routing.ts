// The Teams Direct Routing profile: what Microsoft requires of an SBC paired with Direct Routing
// (../shared/domain-notes.md, "Teams Direct Routing, the 2026 change"). These rules judge only when the
// profile is active; each failing requirement is its own finding, dr-ready sums up when all hold.
import type { CertInfo, Comment, EndpointResult, SupportedCa } from '../../types.ts';
import type { Rule, RuleContext, SummaryRule } from './types.ts';
import { dnAttribute, displayName, hasCertificates, usableLeaf } from './facts.ts';
import { matchHostname } from '../chain/hostname.ts';
import { microsoftRoots, MICROSOFT_ROOTS_DOWNLOAD } from '../profiles/index.ts';

const MIN_RSA_BITS = 2048;

function active(ctx: RuleContext): boolean {
  return ctx.profile === 'direct-routing';
}

/** The certificate the built chain ends at (the root, or the last one found). */
function chainTop(result: EndpointResult): CertInfo | null {
  return result.chain[result.chain.length - 1]?.cert ?? null;
}

/** A list entry covers a root by thumbprint when it has one, else by its name in the root's O or CN. */
function supportedEntry(top: CertInfo, list: readonly SupportedCa[]): SupportedCa | null {
  // A chain that stops short of a root is judged by the name of the issuer it needs.
  const names = [top.subject, ...(top.selfIssued ? [] : [top.issuer])].flatMap((dn) => [dnAttribute(dn, 'O'), dnAttribute(dn, 'CN')]);
  const haystack = names.filter((n): n is string => !!n).map((n) => n.toLowerCase());
  return (
    list.find((ca) => (ca.sha1 && ca.sha1 === top.thumbprint) || (ca.sha256 && ca.sha256 === top.sha256)) ??
    list.find((ca) => !ca.sha1 && !ca.sha256 && haystack.some((n) => n.includes(ca.name.toLowerCase()))) ??
    null
  );
}

export const drSbcCaRule: Rule = {
  id: 'dr-sbc-ca',
  severity: 'error',
  description: 'Direct Routing: the SBC certificate does not chain to a root on Microsoft\'s list of CAs supported for SBC certificates.',
  check(ctx) {
    const top = active(ctx) && usableLeaf(ctx.result) ? chainTop(ctx.result) : null;
    if (!top || supportedEntry(top, ctx.drSupportedCas ?? [])) return [];
    return [
      {
        id: 'dr-sbc-ca',
        severity: 'error',
        text:
          `The SBC certificate chains to "${displayName(top.subject)}", which is not on Microsoft's list of root CAs supported for Direct Routing SBC certificates. ` +
          'Microsoft requires the SBC certificate to be issued under one of the listed roots (Plan Direct Routing, "Public trusted certificate for the SBC"): get it from a supported public CA, or update the list with --dr-ca-list if Microsoft has added this CA.',
      },
    ];
  },
};

/** The SBC FQDN in a SAN entry or in the subject CN, wildcards RFC 2818 style (left-most label only). */
function sbcNameMatch(leaf: CertInfo, host: string): string | null {
  const bySan = matchHostname(host, { san: leaf.san, sanEntries: leaf.sanEntries, commonName: null });
  if (bySan.matched) return bySan.name;
  const byCn = matchHostname(host, { san: [], sanEntries: [], commonName: leaf.commonName });
  return byCn.matched ? byCn.name : null;
}

export const drSbcNameRule: Rule = {
  id: 'dr-sbc-name',
  severity: 'error',
  description: 'Direct Routing: the SBC FQDN is neither in the SAN nor in the subject CN (a left-most-label wildcard counts).',
  check(ctx) {
    const leaf = active(ctx) && !ctx.ipTarget ? usableLeaf(ctx.result) : null;
    if (!leaf || sbcNameMatch(leaf, ctx.result.host)) return [];
    return [
      {
        id: 'dr-sbc-name',
        severity: 'error',
        text:
          `The SBC FQDN ${ctx.result.host} is neither in the SAN nor in the subject CN of the certificate. ` +
          'Direct Routing matches the FQDN you paired the SBC with against these names (a wildcard such as *.contoso.com covers sbc.contoso.com, not sbc.test.contoso.com): reissue the certificate with this FQDN.',
      },
    ];
  },
};

export const drSbcKeyRule: Rule = {
  id: 'dr-sbc-key',
  severity: 'error',
  description: `Direct Routing: the SBC certificate key is not RSA of at least ${MIN_RSA_BITS} bits.`,
  check(ctx) {
    const leaf = active(ctx) ? usableLeaf(ctx.result) : null;
    if (!leaf) return [];
    const { algorithm, size } = leaf.publicKey;
    if (algorithm === 'RSA' && size !== null && size >= MIN_RSA_BITS) return [];
    const what = algorithm === 'RSA' ? `an RSA key of ${size ?? 'unknown'} bits` : `a ${algorithm} key`;
    return [
      {
        id: 'dr-sbc-key',
        severity: 'error',
        text: `The SBC certificate has ${what}. Direct Routing needs RSA of at least ${MIN_RSA_BITS} bits (its four required suites are all ECDHE_RSA): generate a new RSA ${MIN_RSA_BITS}-bit (or larger) key and CSR on the SBC.`,
      },
    ];
  },
};

function offeredSuites(result: EndpointResult): { offered: string[]; missing: string[] } | null {
  const asked = result.tls.profileSuites;
  if (!asked) return null;
  const names = Object.keys(asked);
  return { offered: names.filter((n) => asked[n]), missing: names.filter((n) => !asked[n]) };
}

export const drTlsRule: Rule = {
  id: 'dr-tls',
  severity: 'varies',
  description: 'Direct Routing: TLS 1.2 with at least one of Microsoft\'s four required suites (names which are offered and which are missing).',
  check(ctx) {
    if (!active(ctx) || !hasCertificates(ctx.result)) return [];
    const versions = ctx.result.tls.versions;
    const suites = offeredSuites(ctx.result);
    if (versions && !versions['TLSv1.2']) {
      return [{ id: 'dr-tls', severity: 'error', text: 'The SBC does not accept TLS 1.2, which Direct Routing requires: enable TLS 1.2 on the Teams interface.' }];
    }
    if (!suites) return [];
    if (suites.missing.length === 0) {
      return [{ id: 'dr-tls', severity: 'ok', text: `The SBC accepts TLS 1.2 with all four suites Direct Routing names: ${suites.offered.join(', ')}.` }];
    }
    if (suites.offered.length === 0) {
      return [
        {
          id: 'dr-tls',
          severity: 'error',
          text: `The SBC accepts none of the four TLS 1.2 suites Direct Routing requires (${suites.missing.join(', ')}): enable at least one in the Teams interface's TLS context.`,
        },
      ];
    }
    return [
      {
        id: 'dr-tls',
        severity: 'info',
        text: `The SBC accepts ${suites.offered.join(', ')} of the suites Direct Routing requires; it does not accept ${suites.missing.join(', ')}. One is enough; enabling all four gives Microsoft's SIP proxies the full choice.`,
      },
    ];
  },
};

/** The Microsoft roots missing from the SBC's CertificateRequest CA list. */
function missingMicrosoftRoots(cas: readonly string[]) {
  const listed = new Set(cas);
  return microsoftRoots().filter((root) => !root.subject || !listed.has(root.subject));
}

export const drMtlsRootsRule: Rule = {
  id: 'dr-mtls-roots',
  severity: 'varies',
  description: 'Direct Routing: with mutual TLS on, the SBC\'s CA list must include all seven roots Microsoft\'s SIP proxies use (each missing one is named).',
  check(ctx) {
    const { result } = ctx;
    // Certificates from a file (inspect) say nothing about the SBC's TLS settings.
    if (!active(ctx) || !hasCertificates(result) || result.ip === null) return [];
    if (result.tls.clientCertRequested !== true) {
      return [{ id: 'dr-mtls-roots', severity: 'info', text: 'The SBC does not ask for a client certificate: mutual TLS is off on this interface, so Microsoft\'s SIP proxies are not asked for theirs and the 2026 root change does not affect this interface.' }];
    }
    const cas = result.tls.acceptableCAs ?? [];
    if (cas.length === 0) {
      return [{ id: 'dr-mtls-roots', severity: 'info', text: 'The SBC asks for a client certificate without naming CAs: it accepts any CA it trusts. Make sure its trust store holds all seven Microsoft roots.' }];
    }
    const missing = missingMicrosoftRoots(cas);
    if (missing.length === 0) return [];
    return [
      {
        id: 'dr-mtls-roots',
        severity: 'error',
        text:
          `The SBC's mutual TLS does not trust ${missing.length} of the seven roots Microsoft's SIP proxies use: ${missing.map((r) => `${r.name} (SHA-1 ${r.sha1})`).join('; ')}. ` +
          `When Microsoft presents a certificate under one of them the handshake fails and calls stop, with nothing in the Teams admin centre pointing at the certificate. Download them from ${MICROSOFT_ROOTS_DOWNLOAD} and add them to the trusted roots of the Teams interface's TLS context.`,
      },
    ];
  },
};

/** Why a SIP OPTIONS exchange is not a success, or null when it was answered (2xx) or not asked for. */
export function sipOptionsProblem(result: EndpointResult): string | null {
  const sip = result.sip;
  if (!sip || sip.outcome === 'answered') return null;
  const status = sip.statusCode !== null ? `${sip.statusCode} ${sip.reasonPhrase ?? ''}`.trim() : sip.outcome.replace(/-/g, ' ');
  const diagnostics = sip.diagnostics.map((d) => d.raw).slice(0, 2);
  return `${status}${sip.error ? ` (${sip.error.message.replace(/\.$/, '')})` : ''}${diagnostics.length ? `; ${diagnostics.join('; ')}` : ''}`;
}

export const drOptionsRule: Rule = {
  id: 'dr-options',
  severity: 'warning',
  description: 'Direct Routing: the SIP OPTIONS (when enabled) was not answered with 200 OK.',
  check(ctx) {
    const problem = active(ctx) ? sipOptionsProblem(ctx.result) : null;
    if (!problem) return [];
    return [
      {
        id: 'dr-options',
        severity: 'warning',
        text: `The SBC did not answer SIP OPTIONS with 200 OK: ${problem}. Microsoft's end-to-end test for Direct Routing is an OPTIONS answered by 200 OK, and its SIP proxies ping the SBC with OPTIONS too: check the SBC's SIP interface and whether it accepts the Teams proxies.`,
      },
    ];
  },
};

const DR_REQUIREMENT_RULES: readonly Rule[] = [drSbcCaRule, drSbcNameRule, drSbcKeyRule, drTlsRule, drMtlsRootsRule, drOptionsRule];

function mtlsSummary(result: EndpointResult): string {
  if (result.tls.clientCertRequested !== true) return 'mutual TLS is off';
  return (result.tls.acceptableCAs ?? []).length ? 'its mutual TLS trusts all seven Microsoft roots' : 'its mutual TLS accepts any CA';
}

export const drReadyRule: SummaryRule = {
  id: 'dr-ready',
  severity: 'ok',
  description: 'Direct Routing: one-line verdict when every Direct Routing requirement holds and the chain is trusted.',
  check(ctx) {
    const { result } = ctx;
    const leaf = active(ctx) ? usableLeaf(result) : null;
    if (!leaf || !result.trust?.trusted) return [];
    // A summary: it reads what the requirement rules found, it does not run them again.
    const requirementIds = new Set(DR_REQUIREMENT_RULES.map((rule) => rule.id));
    const failed = ctx.findings.some((c) => requirementIds.has(c.id) && (c.severity === 'error' || c.severity === 'warning'));
    if (failed) return [];
    const suites = offeredSuites(result);
    const facts = [
      `certificate under the supported root "${displayName(chainTop(result)?.subject)}"`,
      ...(ctx.ipTarget ? [] : [`names ${result.host}`]),
      `RSA ${leaf.publicKey.size} bits`,
      ...(suites ? [`TLS 1.2 with ${suites.offered.join(', ')}`] : result.tls.versions?.['TLSv1.2'] ? ['TLS 1.2'] : []),
      ...(result.ip === null ? [] : [mtlsSummary(result)]),
      ...(result.sip ? [`SIP OPTIONS answered ${result.sip.statusCode ?? ''}`.trim()] : []),
    ];
    return [{ id: 'dr-ready', severity: 'ok', text: `Ready for Direct Routing: ${facts.join('; ')}.` }];
  },
};

export const DIRECT_ROUTING_RULES: readonly Rule[] = DR_REQUIREMENT_RULES;
