// Usage and revocation extensions: Enhanced Key Usage and CRL Distribution Points of the server certificate.
// The original tool meant to check both but its flags were never reset, so these never fired there.
import type { Rule } from './types.ts';
import { isWebUrl, listNames, usableLeaf } from './facts.ts';

export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_ANY = '2.5.29.37.0';

const EKU_LABELS: Readonly<Record<string, string>> = {
  [EKU_SERVER_AUTH]: 'Server Authentication',
  [EKU_CLIENT_AUTH]: 'Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'Secure Email',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.4.1.311.10.3.4': 'Encrypting File System',
  '1.3.6.1.4.1.311.20.2.2': 'Smart Card Logon',
  [EKU_ANY]: 'Any Purpose',
};

/** "Client Authentication (1.3.6.1.5.5.7.3.2)", the way Windows lists EKUs. */
export function ekuLabel(oid: string): string {
  const name = EKU_LABELS[oid];
  return name ? `${name} (${oid})` : oid;
}

/** Web ports where no server-to-server mutual TLS happens, so Client Authentication is not needed. */
const WEB_ONLY_PORTS = new Set([443, 4443, 80]);

export const serverEkuMissingRule: Rule = {
  id: 'server-eku-missing',
  severity: 'error',
  description: 'The certificate has an Enhanced Key Usage extension without Server Authentication (1.3.6.1.5.5.7.3.1).',
  check({ result }) {
    const leaf = usableLeaf(result);
    // No EKU extension at all means any purpose: not this fault.
    if (!leaf || leaf.ekus === null) return [];
    if (leaf.ekus.includes(EKU_SERVER_AUTH) || leaf.ekus.includes(EKU_ANY)) return [];
    const listed = leaf.ekus.length ? leaf.ekus.map(ekuLabel).join(', ') : 'nothing';
    return [
      {
        id: 'server-eku-missing',
        severity: 'error',
        text:
          `The certificate's Enhanced Key Usage lists ${listed} but not Server Authentication (${EKU_SERVER_AUTH}). ` +
          'Skype for Business / Lync servers require a server EKU, and clients, phones and SBCs refuse the certificate for TLS. ' +
          'Reissue it from a template that includes Server Authentication (on a Windows CA: a copy of the Web Server template with Client Authentication added).',
      },
    ];
  },
};

export const clientEkuMissingRule: Rule = {
  id: 'client-eku-missing',
  severity: 'warning',
  description: 'The certificate lacks Client Authentication (1.3.6.1.5.5.7.3.2), needed by Edge federation and SBC/Direct Routing mutual TLS.',
  check({ result }) {
    const leaf = usableLeaf(result);
    if (!leaf || leaf.ekus === null) return [];
    if (leaf.ekus.includes(EKU_CLIENT_AUTH) || leaf.ekus.includes(EKU_ANY)) return [];
    // Web services and reverse proxies never present their certificate as a client certificate.
    if (result.type === 'DIR' && result.port !== null && WEB_ONLY_PORTS.has(result.port)) return [];
    return [
      {
        id: 'client-eku-missing',
        severity: 'warning',
        text:
          `The certificate has no Client Authentication EKU (${EKU_CLIENT_AUTH}). ` +
          'Edge federation, Front End to Edge and SBC to Teams Direct Routing links are mutual TLS: the side that opens the connection presents this same certificate as its client certificate, and the far end rejects it without Client Authentication (Direct Routing has required both EKUs since March 2024). ' +
          'Public CAs are removing Client Authentication from server certificates during 2026, so a routine renewal can silently break federation: ask the CA for a certificate with both Server and Client Authentication, or use a CA that still issues them for server-to-server use.',
      },
    ];
  },
};

export const ekuAbsentRule: Rule = {
  id: 'eku-absent',
  severity: 'info',
  description: 'The certificate has no Enhanced Key Usage extension, so it is valid for any purpose.',
  check({ result }) {
    const leaf = usableLeaf(result);
    if (!leaf || leaf.ekus !== null) return [];
    return [
      {
        id: 'eku-absent',
        severity: 'info',
        text: 'The certificate has no Enhanced Key Usage extension, which means it may be used for any purpose, including Server and Client Authentication: acceptable for Skype for Business / Lync and SBCs.',
      },
    ];
  },
};

export const crlMissingRule: Rule = {
  id: 'crl-missing',
  severity: 'warning',
  description: 'The server certificate has no CRL Distribution Point; SfB/Lync servers require an accessible CRL.',
  check({ result }) {
    const leaf = usableLeaf(result);
    // A self-signed certificate cannot be revoked; self-signed is reported on its own.
    if (!leaf || leaf.selfIssued || leaf.crlUrls.length > 0) return [];
    return [
      {
        id: 'crl-missing',
        severity: 'warning',
        text:
          'The certificate has no CRL Distribution Point. Skype for Business / Lync servers check revocation and require an accessible CRL: without one, server-to-server (MTLS) connections and some clients fail. ' +
          'Reissue it from a CA that publishes a CRL (on an internal CA, add an HTTP CRL location that Edge servers and external clients can reach).',
      },
    ];
  },
};

export const crlNotHttpRule: Rule = {
  id: 'crl-not-http',
  severity: 'warning',
  description: 'The CRL is published only at LDAP or file locations, which Edge servers and external clients cannot reach.',
  check({ result }) {
    const leaf = usableLeaf(result);
    if (!leaf || leaf.selfIssued || leaf.crlUrls.length === 0 || leaf.crlUrls.some(isWebUrl)) return [];
    return [
      {
        id: 'crl-not-http',
        severity: 'warning',
        text:
          `The certificate's CRL is published only at ${listNames(leaf.crlUrls, 4)}, not over HTTP. ` +
          'Edge servers in the perimeter network, external clients and federation partners cannot reach LDAP or file locations, so their revocation checks fail. ' +
          'Add an HTTP CRL Distribution Point on the CA (and open outbound port 80 from the Edge servers), then reissue the certificate.',
      },
    ];
  },
};

export const USAGE_RULES: readonly Rule[] = [serverEkuMissingRule, clientEkuMissingRule, ekuAbsentRule, crlMissingRule, crlNotHttpRule];
