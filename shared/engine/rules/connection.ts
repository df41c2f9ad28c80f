// What happened on the wire around the certificates: nothing received, unreadable, handshake faults,
// revocation. (Client certificate requests: protocol.ts.)
import type { Rule } from './types.ts';
import type { DeadlineStep } from '../../types.ts';
import { describe, hasCertificates, pathCertificates } from './facts.ts';
import { MAX_FETCH_URLS_PER_CHAIN } from '../revocation/verdict.ts';
import { adviceFor } from './unreachable.ts';

export const notCheckedRule: Rule = {
  id: 'not-checked',
  severity: 'info',
  description: 'No certificate was received, so no certificate checks ran; says what to try for the error.',
  check({ result }) {
    if (hasCertificates(result)) return [];
    const advice = adviceFor(result);
    return [
      {
        id: 'not-checked',
        severity: 'info',
        text: advice
          ? `No certificate was received, so the certificate checks did not run. ${advice}`
          : 'The server completed no handshake that carried a certificate, so none of the certificate checks ran.',
      },
    ];
  },
};

export const unparseableCertificateRule: Rule = {
  id: 'unparseable-certificate',
  severity: 'error',
  description: 'The server certificate could not be decoded.',
  check({ result }) {
    if (!hasCertificates(result)) return [];
    const leaf = result.served[0];
    if (!leaf.parseError) return [];
    return [
      {
        id: 'unparseable-certificate',
        severity: 'error',
        text:
          `The server's certificate could not be decoded: ${leaf.parseError.replace(/^The certificate could not be decoded:\s*/i, '')} ` +
          'Clients will reject it too. Check what is bound to this port, and re-import or reissue the certificate.',
      },
    ];
  },
};

export const serialInvalidRule: Rule = {
  id: 'serial-invalid',
  severity: 'error',
  description: 'A certificate on the chain has an empty serial number (an INTEGER with no bytes), which clients cannot read.',
  check({ result }) {
    // The decoder writes an INTEGER with no content octets as ""; any real serial has at least one hex digit.
    return pathCertificates(result)
      .filter((pc) => pc.cert.serialNumber === '')
      .map((pc) => ({
        id: 'serial-invalid',
        severity: 'error' as const,
        text:
          `${describe(pc)} has an empty serial number: the INTEGER holds no bytes, which DER forbids. ` +
          'OpenSSL cannot even load such a certificate, so it is not trusted here either. Ask the CA that issued it for a new certificate.',
      }));
  },
};

export const handshakeFailedRule: Rule = {
  id: 'handshake-failed',
  severity: 'info',
  description: 'Certificates arrived but the TLS handshake then failed (e.g. the server demanded a client certificate).',
  check({ result }) {
    if (!hasCertificates(result)) return [];
    const failure = result.tls?.handshakeError;
    if (!failure) return [];
    const demandedClientCert = result.tls.clientCertRequested === true || /client certificate|certificate required/i.test(failure.message);
    return [
      {
        id: 'handshake-failed',
        severity: 'info',
        text:
          `The certificates were received, but the TLS handshake then failed: ${failure.message.replace(/\.$/, '')}. ` +
          (result.tls.runtimeClient?.clientCertificate
            ? 'The server did not take the client certificate presented (My certificate, --client-cert): for mutual TLS it must chain to a CA the far end accepts, and carry Client Authentication. The certificate checks still apply.'
            : demandedClientCert
            ? 'The server most likely demanded a client certificate, which this tool does not present: normal for mutual TLS ports (Edge federation, SBC / Direct Routing, server-to-server), where only a partner server with a trusted certificate may connect. The certificate checks still apply.'
            : 'The certificate checks use the certificates the server sent.'),
      },
    ];
  },
};

export const runtimeClientFailedRule: Rule = {
  id: 'runtime-client-failed',
  severity: 'info',
  description: "This tool's own TLS client read the certificates, but a normal client (Node's TLS, default settings) could not connect.",
  check({ result }) {
    const failure = result.tls.runtimeClient?.error;
    if (!hasCertificates(result) || !failure || result.tls.handshakeError || failure.code === 'CANCELLED') return [];
    return [
      {
        id: 'runtime-client-failed',
        severity: 'info',
        text:
          `A normal TLS client (Node's TLS with its default settings) could not connect: ${failure.message.replace(/\.$/, '')}. ` +
          "This tool's own client read the certificates, so the checks below apply; clients with similar defaults may fail the same way (the protocol comments, if any, say why).",
      },
    ];
  },
};

export const revokedRule: Rule = {
  id: 'revoked',
  severity: 'error',
  description: 'The server certificate has been revoked by its CA.',
  check({ result }) {
    if (!hasCertificates(result) || result.revocation?.status !== 'revoked') return [];
    const { method, details } = result.revocation;
    const how = { crl: 'CRL', ocsp: 'OCSP', 'ocsp-staple': 'stapled OCSP response', none: 'revocation check' }[method] ?? method;
    return [
      {
        id: 'revoked',
        severity: 'error',
        text: `The certificate has been revoked by its CA (${how}${details ? `: ${details.replace(/\.$/, '')}` : ''}). Every client and partner that checks revocation rejects it. Install a new certificate.`,
      },
    ];
  },
};

export const crlUnreachableRule: Rule = {
  id: 'crl-unreachable',
  severity: 'warning',
  description: 'A CRL distribution point of the leaf or an intermediate could not be downloaded.',
  check({ result }) {
    const unreachable = (result.revocation?.certificates ?? []).filter((c) => c.crlUnreachable);
    if (!hasCertificates(result) || unreachable.length === 0) return [];
    return [
      {
        id: 'crl-unreachable',
        severity: 'warning',
        text:
          `The CRL of ${unreachable.map((c) => c.subject).join('; ')} could not be downloaded from this machine (${unreachable[0].details.replace(/\.$/, '')}). ` +
          'Skype for Business servers require a reachable CRL: Edge servers need outbound HTTP (port 80) to the CRL URL, and an offline root CA must publish a fresh CRL before the old one expires.',
      },
    ];
  },
};

export const revocationUnknownRule: Rule = {
  id: 'revocation-unknown',
  severity: 'info',
  description: 'The revocation of a certificate of the chain could not be decided, for a reason no other rule reports.',
  check({ result }) {
    if (!hasCertificates(result)) return [];
    // Unreachable CRLs and OCSP responders, skipped downloads and a leaf without a CRL have their own comments.
    const unknown = (result.revocation?.certificates ?? []).filter(
      (c) => c.status === 'unknown' && !c.crlUnreachable && !c.ocspUnreachable && !c.skippedDownloads?.length && !(c.index === 0 && result.served[0]?.crlUrls.length === 0),
    );
    return unknown.map((c) => {
      const role = c.index === 0 ? 'the server certificate' : 'the intermediate';
      const namesNothing = /names (neither|no) (a )?CRL/.test(c.details);
      return {
        id: 'revocation-unknown',
        severity: 'info' as const,
        text:
          `Revocation of ${role} ${c.subject} is unknown: ${c.details.replace(/\.$/, '')}. ` +
          (namesNothing
            ? 'No client can check it either. It matters where revocation is enforced: Skype for Business servers check the revocation of the chain and require a reachable CRL, so ask the CA to publish a CRL distribution point in the certificates it issues.'
            : 'Skype for Business servers check the revocation of the chain: test again, and if this stays, check that the CRL and OCSP addresses of the certificate answer.'),
      };
    });
  },
};

export const ocspUnreachableRule: Rule = {
  id: 'ocsp-unreachable',
  severity: 'info',
  description: 'The OCSP responder a certificate names could not be reached.',
  check({ result }) {
    const unreachable = (result.revocation?.certificates ?? []).filter((c) => c.ocspUnreachable);
    if (!hasCertificates(result) || unreachable.length === 0) return [];
    return [
      {
        id: 'ocsp-unreachable',
        severity: 'info',
        text: `The OCSP responder of ${unreachable.map((c) => c.subject).join('; ')} did not answer from this machine. Clients fall back to the CRL; check outbound HTTP from your servers if this persists.`,
      },
    ];
  },
};

const SKIP_REASON_TEXT = {
  'too-large': 'too large for the memory this tool sets aside for CRLs',
  'memory-busy': 'the memory this tool sets aside for CRLs stayed full with other CRLs for the whole download time',
} as const;

export const crlSkippedRule: Rule = {
  id: 'crl-skipped',
  severity: 'info',
  description: 'A CRL was not checked because it did not fit in the memory this tool sets aside for CRLs.',
  check({ result }) {
    const skipped = (result.revocation?.certificates ?? []).flatMap((c) =>
      (c.skippedDownloads ?? []).flatMap((s) => (s.reason === 'too-large' || s.reason === 'memory-busy' ? [{ subject: c.subject, url: s.url, why: SKIP_REASON_TEXT[s.reason] }] : [])),
    );
    if (!hasCertificates(result) || skipped.length === 0) return [];
    const list = skipped.map((s) => `${s.url} (${s.subject}: ${s.why})`).join('; ');
    return [
      {
        id: 'crl-skipped',
        severity: 'info',
        text:
          `Not checked: the CRL ${list}. This is a limit of this tool, not a fault of the server, so revocation by that CRL is unknown here. ` +
          'Check this server on its own (not in a bulk run) to give it the memory; a CRL that large is also slow for every client and server that downloads it.',
      },
    ];
  },
};

export const crlInvalidRule: Rule = {
  id: 'crl-invalid',
  severity: 'warning',
  description: 'A CRL was downloaded but cannot be used: its signature, issuer, CRL number or dates are wrong.',
  check({ result }) {
    const invalid = (result.revocation?.certificates ?? []).flatMap((c) => (c.invalidCrls ?? []).map((crl) => `${crl.url} (for ${c.subject}: ${crl.problems.join('; ')})`));
    if (!hasCertificates(result) || invalid.length === 0) return [];
    return [
      {
        id: 'crl-invalid',
        severity: 'warning',
        text:
          `The CRL ${invalid.join(', ')} cannot be used, so revocation by it is unknown. ` +
          'Skype for Business servers and other clients that check revocation refuse a chain whose CRL they cannot use: ask the CA that publishes it to reissue the CRL correctly.',
      },
    ];
  },
};

export const revocationFetchLimitRule: Rule = {
  id: 'revocation-fetch-limit',
  severity: 'info',
  description: 'The chain names more distinct CRL and OCSP addresses than this tool fetches for one server.',
  check({ result }) {
    const skipped = (result.revocation?.certificates ?? []).flatMap((c) => (c.skippedDownloads ?? []).filter((s) => s.reason === 'url-limit').map((s) => `${s.kind} ${s.url} (${c.subject})`));
    if (!hasCertificates(result) || skipped.length === 0) return [];
    return [
      {
        id: 'revocation-fetch-limit',
        severity: 'info',
        text:
          `Not fetched: ${skipped.join('; ')}. This tool fetches at most ${MAX_FETCH_URLS_PER_CHAIN} distinct CRL and OCSP addresses per server, ` +
          'so that one long chain cannot make a check download without end; revocation by those is unknown here. A chain that long is unusual: check that the server sends the chain its CA intends.',
      },
    ];
  },
};

export const internalFetchRefusedRule: Rule = {
  id: 'internal-fetch-refused',
  severity: 'info',
  description: 'A certificate URL (AIA, CRL, OCSP) leads to an internal address while the server is public, so it was not fetched.',
  check({ result }) {
    const refused = result.refusedFetches ?? [];
    if (refused.length === 0) return [];
    const list = refused.map((r) => `${r.purpose} ${r.url} (${r.address})`).join(', ');
    return [
      {
        id: 'internal-fetch-refused',
        severity: 'info',
        text:
          `Not fetched, because ${refused.length === 1 ? 'it leads' : 'they lead'} to an internal address and this server is not internal: ${list}. ` +
          "A certificate from outside must not make this tool connect into your own network. Clients on the internet cannot reach such an address either: if the server is public, its CA should publish these on a public address. " +
          'If you trust this certificate (your own PKI behind split DNS), allow the fetches: --allow-private-fetch, or "Fetch from internal addresses" in the options.',
      },
    ];
  },
};

const STEP_LABELS: Record<DeadlineStep, string> = { aia: 'fetching issuers the server did not send (AIA)', revocation: 'the revocation check (CRL, OCSP)' };

export const deadlineExceededRule: Rule = {
  id: 'deadline-exceeded',
  severity: 'info',
  description: "The endpoint's time budget (2 x --timeout for all its network steps) ran out, so the steps named were cut short and their findings are incomplete.",
  check({ result }) {
    const cut = result.deadlineExceeded;
    if (!cut) return [];
    return [
      {
        id: 'deadline-exceeded',
        severity: 'info',
        text:
          `This endpoint's ${cut.budgetMs} ms budget ran out during ${cut.steps.map((s) => STEP_LABELS[s]).join(' and ')}, so what those steps report is incomplete. ` +
          'The certificate URLs answer slowly or not at all from this machine: check outbound HTTP (proxy, firewall), or raise --timeout to wait longer.',
      },
    ];
  },
};

export const CONNECTION_RULES: readonly Rule[] = [
  notCheckedRule,
  unparseableCertificateRule,
  serialInvalidRule,
  handshakeFailedRule,
  runtimeClientFailedRule,
  revokedRule,
  crlUnreachableRule,
  ocspUnreachableRule,
  revocationUnknownRule,
  crlSkippedRule,
  crlInvalidRule,
  revocationFetchLimitRule,
  internalFetchRefusedRule,
  deadlineExceededRule,
];
