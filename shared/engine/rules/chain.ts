// The chain: self-signed leaf, untrusted root, what the server sends (missing, extra, out of order, root).
import type { ChainItem, EndpointResult, TrustVerdict } from '../../types.ts';
import { ROOT_NOT_TRUSTED } from '../chain/validate.ts';
import { rootProviderHint, rootRepository } from '../chain/root-links.ts';
import type { Rule } from './types.ts';
import { certKey, certName, displayName, listNames, plural, servedAsSent, usableLeaf } from './facts.ts';
import { expiredCaCertificates } from './validity.ts';

/** What ends the chain, and which rule should speak about it. */
export type ChainEnd =
  /** A trust store anchored the chain (it may still be invalid for other reasons). */
  | { kind: 'anchored' }
  | { kind: 'self-signed-leaf' }
  /** The chain reaches a root (self-issued) no store trusts, or stops at an issuer that is most likely a root. */
  | { kind: 'untrusted-root'; rootName: string }
  /** The chain stops at the server certificate's issuer, which was neither sent nor found: most likely an intermediate. */
  | { kind: 'missing-issuer'; issuerName: string }
  | { kind: 'unknown' };

const ROOT_LIKE_NAME = /\broot\b/i;

/**
 * Is the self-issued certificate at the top of the chain a root no store trusts? The builder names a
 * root it did not find in a store in the item's reason; a store copy is a valid anchor even when
 * something else (an expired leaf) makes the whole chain untrusted and the verdict carries no store.
 */
function topRootUntrusted(item: ChainItem | undefined, trust: TrustVerdict): boolean {
  if (!item) return trust.store === null;
  if (item.source === 'store' || item.source === 'user') return false;
  if (item.reason) return item.reason.includes(ROOT_NOT_TRUSTED);
  return !item.valid;
}

export function chainEnd(result: EndpointResult): ChainEnd {
  const leaf = usableLeaf(result);
  if (!leaf || !result.trust) return { kind: 'unknown' };
  if (leaf.selfIssued) return { kind: 'self-signed-leaf' };
  if (result.trust.trusted) return { kind: 'anchored' };
  const topItem = result.chain[result.chain.length - 1];
  const top = topItem?.cert ?? leaf;
  if (top.selfIssued) return topRootUntrusted(topItem, result.trust) ? { kind: 'untrusted-root', rootName: top.subject } : { kind: 'anchored' };
  // Without the builder's facts, the top certificate's issuer is what is missing.
  const missing = result.servedChain ? result.servedChain.missingIssuer : top.issuer;
  if (!missing) return { kind: 'unknown' };
  const topIsLeaf = certKey(top) === certKey(leaf);
  // An intermediate's unknown issuer is a root; a server certificate's unknown issuer may be either,
  // and internal CAs usually say "Root" in the name.
  if (!topIsLeaf || ROOT_LIKE_NAME.test(displayName(missing))) return { kind: 'untrusted-root', rootName: missing };
  return { kind: 'missing-issuer', issuerName: missing };
}

export const selfSignedRule: Rule = {
  id: 'self-signed',
  severity: 'error',
  description: 'The server certificate is self-signed.',
  check({ result }) {
    const leaf = usableLeaf(result);
    if (!leaf || !leaf.selfIssued) return [];
    return [
      {
        id: 'self-signed',
        severity: 'error',
        text:
          `The server certificate is self-signed (issued by itself, "${certName(leaf)}"): nobody but this server trusts it, so clients, phones and federation partners reject it. ` +
          'Fine in a lab, never in production: request a certificate from a public CA for Edge external and SBC interfaces, or from your enterprise CA for internal servers.',
      },
    ];
  },
};

export const untrustedRootRule: Rule = {
  id: 'untrusted-root',
  severity: 'error',
  description: 'The chain ends at a root certificate no trust store trusts.',
  check({ result }) {
    const end = chainEnd(result);
    if (end.kind !== 'untrusted-root') return [];
    const name = displayName(end.rootName);
    const where = rootRepository(result)
      ? 'If it is a public CA, get its root certificate from the root certificate links and make sure every partner trusts it.'
      : `${rootProviderHint(result) ?? `Certificate is issued by: ${name}. Contact this provider for a copy of the root certificate.`}`;
    return [
      {
        id: 'untrusted-root',
        severity: 'error',
        text:
          `The chain ends at the root "${name}", which no trust store here trusts${result.trust?.reason ? ` (${result.trust.reason.replace(/\.$/, '')})` : ''}. ` +
          'Clients, phones and federation partners without this root reject the certificate (federation then fails with ms-diagnostics 1047). ' +
          `${where} ` +
          'If it is your (or the partner\'s) internal enterprise CA, import its root certificate into Trusted Root Certification Authorities of the computers that connect, and add it here under Trusted Roots (or --trust) to check the rest of the chain.',
      },
    ];
  },
};

/** Intermediates the server did not send but a client found elsewhere (store, AIA): name, and how it was found. */
function notSentIntermediates(result: EndpointResult): { name: string; via: string }[] {
  const found = new Map<string, string>();
  const chain = result.chain;
  chain.forEach((item, index) => {
    if (index === 0 || item.source === 'served' || item.cert.parseError) return;
    // A store or user anchor at the top is the root itself, which servers need not send.
    const isTop = index === chain.length - 1;
    if (item.cert.selfIssued || (isTop && item.source !== 'aia')) return;
    const aiaUrl = chain[index - 1].cert.caIssuerUrls[0];
    const via = item.source === 'aia' ? `downloaded from the AIA link${aiaUrl ? ` ${aiaUrl}` : ''}` : 'found in a trust store';
    found.set(item.cert.subject, via);
  });
  for (const subject of result.servedChain?.notSentIntermediates ?? []) {
    if (!found.has(subject)) found.set(subject, 'found elsewhere');
  }
  return [...found].map(([subject, via]) => ({ name: displayName(subject), via }));
}

/** The AIA URL a client can fetch an issuer from: the caIssuers URL of the certificate it issued. */
function aiaUrlFor(result: EndpointResult, issuerName: string): string | null {
  const all = [...result.served, ...result.chain.map((item) => item.cert)];
  const child = all.find((cert) => !cert.parseError && displayName(cert.issuer) === issuerName && cert.caIssuerUrls.length > 0);
  return child?.caIssuerUrls[0] ?? null;
}

export const incompleteChainRule: Rule = {
  id: 'incomplete-chain',
  severity: 'error',
  description: 'The server does not send an intermediate certificate needed to reach the root.',
  check({ result }) {
    if (!usableLeaf(result) || !servedAsSent(result)) return [];
    const fetched = notSentIntermediates(result);
    const end = chainEnd(result);
    const missing = end.kind === 'missing-issuer' ? displayName(end.issuerName) : null;
    if (fetched.length === 0 && !missing) return [];
    const parts: string[] = [];
    if (fetched.length) {
      const list = fetched.map((entry) => `"${entry.name}" (${entry.via})`).join(', ');
      parts.push(
        `The server does not send the intermediate certificate${fetched.length > 1 ? 's' : ''} ${list}. ` +
          'Windows fetches a missing intermediate and hides the fault, but Lync Phone Edition devices, SBCs and many federation partners do not, and their handshakes fail.',
      );
    }
    if (missing) {
      const url = aiaUrlFor(result, missing);
      parts.push(
        `The server does not send the certificate of its issuer "${missing}", and it was not found in any trust store${url ? ` (its AIA link is ${url})` : ' (the certificate has no usable AIA link)'}. ` +
          `If "${missing}" is an intermediate CA, the server must send it; if it is your enterprise root CA, add it under Trusted Roots (or --trust) and make sure every client and partner trusts it.`,
      );
    }
    parts.push(
      'Install the intermediate on the server so it sends the whole chain: on Windows, import it into the computer\'s Intermediate Certification Authorities store and restart the Skype for Business services; on an SBC or reverse proxy, add it to the certificate chain.',
    );
    return [{ id: 'incomplete-chain', severity: 'error', text: parts.join(' ') }];
  },
};

export const rootSentRule: Rule = {
  id: 'root-sent',
  severity: 'info',
  description: 'The server sends the root certificate too: harmless but useless.',
  check({ result }) {
    if (!usableLeaf(result) || !servedAsSent(result) || !result.servedChain?.rootSent) return [];
    const root = result.served.find((cert, index) => index > 0 && cert.selfIssued && !cert.parseError);
    const name = root ? certName(root) : displayName(result.trust?.root);
    return [
      {
        id: 'root-sent',
        severity: 'info',
        text: `The server also sends the root certificate "${name}". Harmless but useless: clients trust only their own copy of a root, so it just adds bytes to every handshake. You may leave it out of the chain the server sends.`,
      },
    ];
  },
};

export const chainOrderRule: Rule = {
  id: 'chain-order',
  severity: 'warning',
  description: 'The server sends its certificates out of order.',
  check({ result }) {
    if (!usableLeaf(result) || !servedAsSent(result) || !result.servedChain || result.servedChain.inOrder) return [];
    const sent = result.served.map((cert, index) => (cert.parseError ? `#${index + 1} (unreadable)` : `"${certName(cert)}"`));
    const expected = result.chain.filter((item) => item.source === 'served').map((item) => `"${certName(item.cert)}"`);
    return [
      {
        id: 'chain-order',
        severity: 'warning',
        text:
          `The server sends its certificates out of order: ${sent.join(', ')}. TLS expects the server certificate first and then each issuer in turn` +
          `${expected.length > 1 ? ` (${expected.join(', ')})` : ''}. ` +
          'Windows and browsers cope, but older stacks (Lync Phone Edition, some SBCs and partners) fail. Fix the order of the chain on the server (re-import the certificate with its chain, or reorder the PEM bundle).',
      },
    ];
  },
};

export const extraCertRule: Rule = {
  id: 'extra-cert',
  severity: 'warning',
  description: 'The server sends a certificate that is not part of the chain.',
  check({ result, now }) {
    if (!usableLeaf(result) || !servedAsSent(result) || !result.servedChain) return [];
    // Expired CA certificates are reported by expired-intermediate, with the advice that fits them.
    const expiredKeys = new Set(expiredCaCertificates(result, now).map((pc) => certKey(pc.cert)));
    const extra = result.servedChain.unusedIndexes
      .filter((index) => index > 0 && index < result.served.length)
      .map((index) => ({ index, cert: result.served[index] }))
      .filter(({ cert }) => cert.parseError || !expiredKeys.has(certKey(cert)));
    if (extra.length === 0) return [];
    const list = extra.map(({ index, cert }) =>
      cert.parseError ? `#${index + 1} (a certificate that cannot be decoded)` : `"${certName(cert)}" (#${index + 1}, thumbprint ${cert.thumbprint})`,
    );
    return [
      {
        id: 'extra-cert',
        severity: 'warning',
        text:
          `The server sends ${plural(extra.length, 'certificate')} that ${extra.length === 1 ? 'is' : 'are'} not part of its chain: ${listNames(list, 6)}. ` +
          'At best they waste bytes; some clients build a wrong path from them or fail the handshake. Remove them from the chain the server sends (a stale or unrelated intermediate in the certificate bundle or store).',
      },
    ];
  },
};

export const chainNotAsSentRule: Rule = {
  id: 'chain-not-as-sent',
  severity: 'info',
  description: "The certificates shown are Node's rebuilt peer chain, not the server's Certificate message: order and completeness were not judged.",
  check({ result }) {
    if (!usableLeaf(result) || servedAsSent(result)) return [];
    return [
      {
        id: 'chain-not-as-sent',
        severity: 'info',
        text:
          "This tool's own TLS client could not read this server's handshake, so the certificates shown are the chain Node's TLS library rebuilt, not the list the server sent: " +
          'whether the server sends its intermediates, in order, without extras, was not checked. Compare with `openssl s_client -showcerts` and please report the server type.',
      },
    ];
  },
};

export const CHAIN_RULES: readonly Rule[] = [selfSignedRule, untrustedRootRule, incompleteChainRule, rootSentRule, chainOrderRule, extraCertRule, chainNotAsSentRule];
