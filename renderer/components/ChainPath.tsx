// The chain as a path, leaf -> intermediates -> root: each certificate's name, a validity bar, where it came
// from and whether it is valid, with a gap where a link is missing. Presents the engine's chain facts only.
import type { CertInfo, ChainItem, EndpointResult } from '../../shared/types.ts';
import { shortName } from '../table.ts';
import { formatDate } from '../format.ts';

const SOURCE_SHORT: Record<ChainItem['source'], string> = {
  served: 'sent by the server',
  aia: 'fetched by AIA',
  store: 'from a trust store',
  user: 'from Trusted Roots',
};

interface PathNode {
  cert: CertInfo;
  source: ChainItem['source'];
  valid: boolean;
  reason: string | null;
}

/** The built chain, or (when none could be built) what the server sent, as the path's nodes. */
function pathNodes(result: EndpointResult): PathNode[] {
  if (result.chain.length) return result.chain.map((item) => ({ cert: item.cert, source: item.source, valid: item.valid, reason: item.reason }));
  return result.served.map((cert) => ({ cert, source: 'served', valid: false, reason: null }));
}

/** The issuer no certificate on the path answers for: the chain ends without reaching a self-issued root. */
function missingLink(result: EndpointResult, nodes: PathNode[]): string | null {
  if (result.servedChain?.missingIssuer) return result.servedChain.missingIssuer;
  const last = nodes.at(-1);
  if (!last || last.cert.parseError || last.cert.selfIssued || result.trust?.trusted) return null;
  return last.cert.issuer;
}

/** Where now falls in a certificate's validity, 0..100; the bar shows how much of its life is used up. */
function validitySpan(cert: CertInfo, now: number): { used: number; expired: boolean; notYet: boolean } | null {
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return null;
  const used = Math.min(100, Math.max(0, ((now - from) / (to - from)) * 100));
  return { used, expired: now > to, notYet: now < from };
}

function ValidityBar({ cert, now }: { cert: CertInfo; now: number }) {
  const span = validitySpan(cert, now);
  const title = `Valid ${formatDate(cert.notBefore) || '?'} to ${formatDate(cert.notAfter) || '?'}`;
  if (!span) return <span className="validity-bar unknown">validity unknown</span>;
  const tone = span.expired || span.notYet ? 'bad' : span.used > 90 ? 'late' : 'good';
  return (
    <svg className={`validity-bar ${tone}`} viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label={title}>
      <title>{title}</title>
      <rect className="track" x="0" y="0" width="100" height="6" rx="3" />
      <rect className="used" x="0" y="0" width={span.used} height="6" rx="3" />
    </svg>
  );
}

function roleOf(index: number, count: number, cert: CertInfo): string {
  if (index === 0) return 'Leaf';
  if (cert.selfIssued || index === count - 1) return cert.selfIssued ? 'Root' : 'Top of chain';
  return 'Intermediate';
}

export function ChainPath({ result }: { result: EndpointResult }) {
  const nodes = pathNodes(result);
  if (nodes.length === 0) return null;
  const now = Date.parse(result.checkedAt) || Date.now();
  const missing = missingLink(result, nodes);
  const built = result.chain.length > 0;
  return (
    <ol className="chain-path" aria-label={`Certificate chain, leaf to root${missing ? ', with a missing link' : ''}`}>
      {nodes.map((node, index) => {
        const status = built ? (node.valid ? 'ok' : 'error') : 'unknown';
        const name = node.cert.parseError ? '(not decodable)' : shortName(node.cert.subject, node.cert.commonName);
        return (
          <li key={index} className={`chain-node status-${status}`} data-source={node.source}>
            <span className="chain-status" aria-label={status === 'ok' ? 'valid' : status === 'error' ? 'not valid' : 'not checked'} title={node.reason ?? undefined}>
              {status === 'ok' ? '✔' : status === 'error' ? '✖' : '?'}
            </span>
            <span className="chain-role">{roleOf(index, nodes.length, node.cert)}</span>
            <span className="chain-name" title={node.cert.subject}>
              {name}
            </span>
            <ValidityBar cert={node.cert} now={now} />
            <span className="chain-source">{SOURCE_SHORT[node.source]}</span>
            {node.reason && <span className="chain-reason">{node.reason}</span>}
          </li>
        );
      })}
      {missing && (
        <li className="chain-node chain-gap status-error">
          <span className="chain-status" aria-label="missing">
            ⋯
          </span>
          <span className="chain-role">Missing</span>
          <span className="chain-name" title={missing}>
            {shortName(missing)}
          </span>
          <span className="chain-source">neither sent nor found</span>
        </li>
      )}
    </ol>
  );
}
