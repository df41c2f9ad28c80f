// Protocol versions and cipher suites the server accepts (from the one-version-at-a-time probe).
import type { TlsVersion } from '../../types.ts';
import { TLS_VERSIONS } from '../../types.ts';
import type { Rule } from './types.ts';
import { hasCertificates } from './facts.ts';

const WEAK_SUITE = /(^|_)(RC4|3DES|DES|NULL|EXPORT|anon|MD5)(_|$)/;

function accepted(versions: Record<TlsVersion, boolean> | undefined): TlsVersion[] {
  return versions ? TLS_VERSIONS.filter((v) => versions[v]) : [];
}

export const noTls12Rule: Rule = {
  id: 'no-tls12',
  severity: 'error',
  description: 'The server accepts neither TLS 1.2 nor TLS 1.3.',
  check({ result }) {
    const versions = result.tls.versions;
    if (!versions || versions['TLSv1.2'] || versions['TLSv1.3']) return [];
    const speaks = accepted(versions);
    // A server that completed no handshake in any version was not reached as TLS at all: its error says why.
    if (speaks.length === 0 && !hasCertificates(result)) return [];
    return [
      {
        id: 'no-tls12',
        severity: 'error',
        text:
          `The server does not accept TLS 1.2 or later${speaks.length ? ` (it speaks only ${speaks.join(', ')})` : ''}. ` +
          'Microsoft 365, Teams and Direct Routing require TLS 1.2: enable TLS 1.2 on this server (on Windows: the SChannel registry keys and .NET strong crypto, then a restart).',
      },
    ];
  },
};

export const legacyTlsRule: Rule = {
  id: 'legacy-tls',
  severity: 'warning',
  description: 'TLS 1.0 or 1.1 is still accepted.',
  check({ result }) {
    const old = accepted(result.tls.versions).filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
    if (old.length === 0 || !(result.tls.versions?.['TLSv1.2'] || result.tls.versions?.['TLSv1.3'])) return [];
    return [
      {
        id: 'legacy-tls',
        severity: 'warning',
        text:
          `The server still accepts ${old.join(' and ')}. Disabling them is the recommended hardening; ` +
          'first make sure no Lync Phone Edition device or unpatched partner still depends on them.',
      },
    ];
  },
};

export const weakSuiteRule: Rule = {
  id: 'weak-suite',
  severity: 'warning',
  description: 'The server picks an RC4, 3DES, DES, NULL, EXPORT or anonymous cipher suite.',
  check({ result }) {
    const picked = new Map<string, string[]>();
    for (const [version, suite] of Object.entries(result.tls.suites ?? {})) {
      if (suite && WEAK_SUITE.test(suite)) picked.set(suite, [...(picked.get(suite) ?? []), version]);
    }
    if (result.tls.cipher && WEAK_SUITE.test(result.tls.cipher) && !picked.has(result.tls.cipher)) picked.set(result.tls.cipher, [result.tls.protocol ?? '']);
    if (picked.size === 0) return [];
    const list = [...picked].map(([suite, versions]) => `${suite}${versions.filter(Boolean).length ? ` (${versions.filter(Boolean).join(', ')})` : ''}`);
    return [
      {
        id: 'weak-suite',
        severity: 'warning',
        text: `The server chooses weak cipher suites: ${list.join('; ')}. Disable RC4, 3DES, DES, NULL, EXPORT and anonymous suites and prefer ECDHE with AES-GCM (Direct Routing requires specific ECDHE suites).`,
      },
    ];
  },
};

export const mtlsRequestedRule: Rule = {
  id: 'mtls-requested',
  severity: 'varies',
  description: 'The server asks for a client certificate (mutual TLS) and lists the CAs it accepts; a warning when you have roots configured and none of them is on its list.',
  check({ result, userRoots, myRoots }) {
    if (!hasCertificates(result) || result.tls.clientCertRequested !== true) return [];
    const cas = result.tls.acceptableCAs ?? [];
    // Without the CA list, handshake-failed (if any) already says what matters.
    if (cas.length === 0 && result.tls.handshakeError) return [];
    const yours = [...(userRoots ?? []), ...(myRoots ?? [])];
    const ours = cas.filter((dn) => yours.includes(dn));
    const shown = cas.slice(0, 20).join('; ') + (cas.length > 20 ? `; and ${cas.length - 20} more` : '');
    const text = cas.length
      ? `The server asks for a client certificate (mutual TLS) and accepts certificates issued under: ${shown}. ` +
        (ours.length
          ? `Your own trusted root${ours.length > 1 ? 's' : ''} ${ours.join('; ')} ${ours.length > 1 ? 'are' : 'is'} on that list.`
          : 'Your Edge or SBC certificate must chain to one of these CAs, or the far end rejects your connections (federation fails with ms-diagnostics 1047).')
      : 'The server asks for a client certificate (mutual TLS) without naming CAs. Your Edge or SBC certificate must chain to a root this server trusts.';
    // Roots of yours configured and none on the list: your connections to this server will fail.
    if (cas.length && yours.length && ours.length === 0) {
      return [{ id: 'mtls-requested', severity: 'warning', text: `${text} None of your own roots (${[...new Set(yours)].join('; ')}) is on that list.` }];
    }
    return [{ id: 'mtls-requested', severity: 'info', text }];
  },
};

export const tls13IntolerantRule: Rule = {
  id: 'tls13-intolerant',
  severity: 'warning',
  description: 'The server fails a ClientHello that offers TLS 1.3 and answers only an older-style one.',
  check({ result }) {
    const failure = result.tls.firstHelloError;
    if (!failure) return [];
    return [
      {
        id: 'tls13-intolerant',
        severity: 'warning',
        text:
          `The server fails a ClientHello that offers TLS 1.3 (${failure.message.replace(/\.$/, '')}) and answered only when this tool retried without it, as browsers once did. ` +
          'Current clients (Teams, Windows, browsers) do not retry, so their connections fail: old firmware or a load balancer in front of it? Update the firmware, or fix the front end so that it ignores TLS versions it does not know (RFC 8446 D.1).',
      },
    ];
  },
};

export const ssl3Rule: Rule = {
  id: 'ssl3',
  severity: 'error',
  description: 'The server accepts SSL 3.0.',
  check({ result }) {
    if (!result.tls.versions?.SSLv3 && result.tls.protocol !== 'SSLv3') return [];
    const only = result.tls.protocol === 'SSLv3';
    return [
      {
        id: 'ssl3',
        severity: 'error',
        text:
          `The server ${only ? 'speaks only' : 'still accepts'} SSL 3.0, broken since 2014 (POODLE) and forbidden by RFC 7568. ` +
          (only ? 'No current client will connect: enable TLS 1.2 on it, or replace it.' : 'Disable SSL 3.0 (on Windows: the SChannel "SSL 3.0" registry keys, then a restart).'),
      },
    ];
  },
};

export const ssl2Rule: Rule = {
  id: 'ssl2',
  severity: 'error',
  description: 'The server answers in SSL 2.0.',
  check({ result }) {
    if (!result.tls.versions?.SSLv2 && result.error?.code !== 'SSL2_ONLY') return [];
    return [
      {
        id: 'ssl2',
        severity: 'error',
        text:
          'The server answers in SSL 2.0, broken for decades and forbidden by RFC 6176. ' +
          (result.error?.code === 'SSL2_ONLY' ? 'It speaks nothing newer, so no current client can connect: replace it or enable TLS 1.2.' : 'Disable SSL 2.0 on it.'),
      },
    ];
  },
};

export const PROTOCOL_RULES: readonly Rule[] = [noTls12Rule, legacyTlsRule, weakSuiteRule, mtlsRequestedRule, tls13IntolerantRule, ssl3Rule, ssl2Rule];
