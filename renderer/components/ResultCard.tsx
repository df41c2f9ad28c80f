// One card per endpoint result: the verdict first, then the comments, where it connected, the chain as a path
// and the certificate; or the old tool's text block as it was ("Old tool's layout"). Copy, Save and root links.
import { toPem } from '../../shared/bytes.ts';
import { memo, useMemo, useState, type ReactNode } from 'react';
import type { CertInfo, EndpointResult } from '../../shared/types.ts';
import { verdictSentence, worstSeverity } from '../../shared/formats/summary.ts';
import { SEVERITY_ORDER } from '../../shared/types.ts';
import { shownVersions } from '../../shared/formats/tls-labels.ts';
import { useApi, useApp, useAppStore } from '../context.ts';
import { ChainPath } from './ChainPath.tsx';
import { copyText } from '../clipboard.ts';
import {
  cardSections,
  cardText,
  cardTitle,
  certFileBase,
  isTestedPool,
  SEVERITY_ICON,
  SEVERITY_LABEL,
  severityCounts,
  type CardLine,
  type CardSection,
  type CardView,
  verdictFirstSections,
} from '../format.ts';

interface ResultCardProps {
  result: EndpointResult;
  index: number;
  showAdvanced: boolean;
  showRootChain: boolean;
  testPool: boolean;
}

function CertActions({ cert, fileBase }: { cert: CertInfo; fileBase: string }) {
  const api = useApi();
  const store = useAppStore();
  const save = async (kind: 'cer' | 'pem') => {
    try {
      const saved = await api.saveFile(
        kind === 'cer'
          ? { defaultName: `${fileBase}.cer`, content: cert.derBase64, encoding: 'base64', filters: [{ name: 'DER certificate', extensions: ['cer'] }] }
          : { defaultName: `${fileBase}.pem`, content: toPem(cert.derBase64), encoding: 'utf8', filters: [{ name: 'PEM certificate', extensions: ['pem'] }] },
      );
      if (saved.saved) store.getState().notify('info', `Saved ${saved.path ?? `${fileBase}.${kind}`}.`);
    } catch (err) {
      store.getState().notify('error', `Save failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div className="cert-actions">
      <button type="button" className="small" onClick={() => void save('cer')} aria-label={`Save .cer of ${cert.subject}`}>
        Save .cer
      </button>
      <button type="button" className="small" onClick={() => void save('pem')} aria-label={`Save .pem of ${cert.subject}`}>
        Save .pem
      </button>
    </div>
  );
}

function RootLinkLine({ label, url }: { label: string; url: string }) {
  const api = useApi();
  const store = useAppStore();
  const open = async () => {
    try {
      const { opened } = await api.openExternal(url);
      if (!opened) store.getState().notify('error', `The link was not opened: ${url}`);
    } catch (err) {
      store.getState().notify('error', `Cannot open ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div className="line link-line">
      <span className="label">{label}:</span>{' '}
      <a
        href={url}
        rel="noopener noreferrer"
        onClick={(event) => {
          event.preventDefault();
          void open();
        }}
      >
        {url}
      </a>
    </div>
  );
}

function VersionsTable({ line }: { line: Extract<CardLine, { kind: 'versions' }> }) {
  const shown = shownVersions(line.versions);
  return (
    <div className="field">
      <span className="label">TLS Versions:</span>
      <table className="versions">
        <thead>
          <tr>
            {shown.map((version) => (
              <th key={version} scope="col">
                {version}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {shown.map((version) => (
              <td key={version} className={line.versions[version] ? 'yes' : 'no'} title={line.suites[version] ?? undefined}>
                {line.versions[version] ? 'Yes' : 'No'}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function renderLine(line: CardLine, key: number): ReactNode {
  switch (line.kind) {
    case 'text':
      return (
        <div key={key} className={`line tone-${line.tone ?? 'normal'}${line.tone === 'error' ? ' sev-error' : ''}`}>
          {line.text}
        </div>
      );
    case 'field':
      return (
        <div key={key} className={`field tone-${line.tone ?? 'normal'}`}>
          <span className="label">{line.label}:</span>
          <span className="value">{line.value}</span>
        </div>
      );
    case 'block':
      return (
        <div key={key} className="field block">
          <span className="label">{line.label}:</span>
          <pre className="value">{line.text}</pre>
        </div>
      );
    case 'subheading':
      return (
        <div key={key} className="subheading">
          {line.text}
        </div>
      );
    case 'comment':
      return (
        <li key={key} className={`comment sev-${line.severity}`} data-comment-id={line.id}>
          <span className="sev-tag">
            {SEVERITY_ICON[line.severity]} {SEVERITY_LABEL[line.severity]}
          </span>
          <span className="comment-text">{line.text}</span>
        </li>
      );
    case 'link':
      return <RootLinkLine key={key} label={line.label} url={line.url} />;
    case 'versions':
      return <VersionsTable key={key} line={line} />;
    case 'certActions':
      return <CertActions key={key} cert={line.cert} fileBase={line.fileBase} />;
  }
}

function Section({ section, headingId }: { section: CardSection; headingId: string }) {
  const isComments = section.key === 'comments' || section.key === 'profile';
  return (
    <section className={`card-section section-${section.key}`} aria-labelledby={section.title ? headingId : undefined}>
      {section.title && (
        <h4 id={headingId} className="section-title">
          {section.title}
        </h4>
      )}
      {isComments ? <ul className="comments">{section.lines.map(renderLine)}</ul> : section.lines.map(renderLine)}
    </section>
  );
}

/** Every certificate of the built chain (what the server sent, if no chain was built) as one .pem file. */
function chainCertificates(result: EndpointResult): CertInfo[] {
  const certs = result.chain.length ? result.chain.map((item) => item.cert) : result.served;
  return certs.filter((cert) => cert.derBase64);
}

function SaveChainButton({ result, label }: { result: EndpointResult; label: string }) {
  const api = useApi();
  const store = useAppStore();
  const certs = chainCertificates(result);
  const save = async () => {
    const leaf = certs[0];
    const defaultName = `${leaf.parseError ? 'certificate' : certFileBase(leaf)}-chain.pem`;
    try {
      const saved = await api.saveFile({
        defaultName,
        content: certs.map((cert) => toPem(cert.derBase64)).join(''),
        encoding: 'utf8',
        filters: [{ name: 'PEM certificate bundle', extensions: ['pem'] }],
      });
      if (saved.saved) store.getState().notify('info', `Saved the chain (${certs.length} certificate${certs.length === 1 ? '' : 's'}) to ${saved.path ?? defaultName}.`);
    } catch (err) {
      store.getState().notify('error', `Save failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (certs.length === 0) return null;
  return (
    <button
      type="button"
      className="small"
      onClick={() => void save()}
      aria-label={`Save chain of ${label} as PEM bundle`}
      title={`All ${certs.length} certificate${certs.length === 1 ? '' : 's'} of the ${result.chain.length ? 'built chain' : 'served chain'}, leaf first, in one .pem file`}
    >
      Save chain .pem
    </button>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onClick = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button type="button" className="small copy" onClick={() => void onClick()} aria-label={`Copy ${label} as text`}>
      {state === 'copied' ? 'Copied ✔' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

/** Opens the History view of the card's target (as typed, with its type). */
function HistoryButton({ result, label }: { result: EndpointResult; label: string }) {
  const store = useAppStore();
  return (
    <button type="button" className="small" onClick={() => void store.getState().openHistory(result.target, result.type)} aria-label={`History of ${label}`}>
      History
    </button>
  );
}

/** The card's first line: the worst severity and one sentence, so a list of cards reads as a list of verdicts. */
function VerdictLine({ result }: { result: EndpointResult }) {
  const worst = worstSeverity(result);
  return (
    <p className={`verdict sev-${worst ?? 'none'}`}>
      <span className="verdict-badge">{worst ? `${SEVERITY_ICON[worst]} ${SEVERITY_LABEL[worst]}` : '– No comments'}</span>
      <span className="verdict-text">{verdictSentence(result)}</span>
    </p>
  );
}

export const ResultCard = memo(function ResultCard({ result, index, showAdvanced, showRootChain, testPool }: ResultCardProps) {
  const sections = useMemo(() => {
    const view: CardView = { showAdvanced, showRootChain, testPool };
    return cardSections(result, view);
  }, [result, showAdvanced, showRootChain, testPool]);
  const oldLayout = useApp((s) => s.oldLayout);
  const shown = useMemo(() => (oldLayout ? sections : verdictFirstSections(sections)), [sections, oldLayout]);
  const counts = useMemo(() => severityCounts(result), [result]);
  const worst = worstSeverity(result);
  const title = cardTitle(result);
  const idBase = `card-${index}`;
  const classes = ['card', worst ? `worst-${worst}` : '', isTestedPool(result, testPool) ? 'pool-member' : '', result.error ? 'has-error' : ''].filter(Boolean).join(' ');

  return (
    <article className={classes} aria-labelledby={`${idBase}-title`} data-host={result.host} data-ip={result.ip ?? ''} data-port={result.port ?? ''}>
      <header className="card-header">
        <h3 id={`${idBase}-title`} className="card-title">
          <span className="card-index">{index + 1}.</span> {title}
        </h3>
        <span className="badge type" title="Target type">
          {result.type}
        </span>
        {result.ip && result.ip !== result.host && <span className="card-ip">{result.ip}</span>}
        {result.poolMember && <span className="badge pool">Pool member</span>}
        <span className="card-counts">
          {result.error && <span className="count-badge sev-error">✖ Error</span>}
          {SEVERITY_ORDER.filter((severity) => counts[severity] > 0).map((severity) => (
            <span key={severity} className={`count-badge sev-${severity}`} title={`${counts[severity]} ${SEVERITY_LABEL[severity]} comment(s)`}>
              {SEVERITY_ICON[severity]} {counts[severity]}
            </span>
          ))}
        </span>
        <HistoryButton result={result} label={title} />
        <SaveChainButton result={result} label={title} />
        <CopyButton text={cardText(sections)} label={title} />
      </header>
      <div className="card-body">
        {!oldLayout && <VerdictLine result={result} />}
        {shown.map((section) => (
          <div key={section.key} className="card-section-group">
            <Section section={section} headingId={`${idBase}-${section.key}`} />
            {!oldLayout && section.key === 'opening' && <ChainPath result={result} />}
          </div>
        ))}
      </div>
    </article>
  );
});
