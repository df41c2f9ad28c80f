// What changed between two recorded states of the same targets: typed change records with a severity,
// from pure comparisons of EndpointResults (no database, no clock), so they can be tested and judged
// like the comment rules. An endpoint is the same one when target, type, host, IP and port agree.
import type { CertInfo, EndpointResult, Severity } from '../types.ts';
import { PROTOCOL_VERSIONS, SEVERITY_ORDER } from '../types.ts';
import type { TargetSnapshot } from './store.ts';

/** target + type: the unit that is checked again run after run. */
export function targetKey(result: Pick<EndpointResult, 'target' | 'type'>): string {
  return JSON.stringify([result.target, result.type]);
}

/** target + type + host + ip + port: "the same endpoint" from one run to the next. */
export function endpointKey(result: Pick<EndpointResult, 'target' | 'type' | 'host' | 'ip' | 'port'>): string {
  return JSON.stringify([result.target, result.type, result.host, result.ip, result.port]);
}

export type ChangeKind =
  | 'certificate-changed'
  | 'issuer-changed'
  | 'root-changed'
  | 'trust-lost'
  | 'trust-regained'
  | 'eku-lost'
  | 'eku-gained'
  | 'protocol-changed'
  | 'versions-changed'
  | 'endpoint-appeared'
  | 'endpoint-disappeared'
  | 'comment-new'
  | 'comment-resolved'
  | 'reachability-lost'
  | 'reachability-regained';

/** The facts of a certificate a change record names. */
export interface CertSummary {
  thumbprint: string;
  sha256: string;
  subject: string;
  issuer: string;
  notAfter: string;
}

/** Where the change is: the endpoint's own fields. */
export interface ChangeRecord extends Pick<EndpointResult, 'target' | 'type' | 'host' | 'ip' | 'port' | 'poolMember'> {
  kind: ChangeKind;
  severity: Severity;
  /** The value before and after, as short text (thumbprint, issuer, EKU name, comment id, error code...). */
  from: string | null;
  to: string | null;
  /** The sentence for the admin. */
  text: string;
  /** certificate-changed: the old and the new leaf. */
  certificates?: { from: CertSummary; to: CertSummary };
  /** When the newer result was checked (ISO 8601). */
  checkedAt: string;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const EKU_NAMES: Record<string, string> = { [SERVER_AUTH]: 'Server Authentication', [CLIENT_AUTH]: 'Client Authentication', [ANY_EKU]: 'Any Purpose' };
/** A replacement this close to the old certificate's Not After is a renewal on schedule. */
export const RENEWAL_WINDOW_DAYS = 30;
/** Versions whose appearance on an endpoint is a step backwards. */
const LEGACY_VERSIONS = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

function summary(cert: CertInfo): CertSummary {
  return { thumbprint: cert.thumbprint, sha256: cert.sha256, subject: cert.subject, issuer: cert.issuer, notAfter: cert.notAfter };
}

function describe(cert: CertInfo): string {
  return `${cert.thumbprint} (issuer ${cert.issuer}, Not After ${cert.notAfter.slice(0, 10)})`;
}

/** Does the leaf allow this usage? An absent EKU extension (null) or Any Purpose allows every one. */
function permits(ekus: string[] | null, oid: string): boolean {
  return ekus === null || ekus.includes(oid) || ekus.includes(ANY_EKU);
}

type Record_ = Omit<ChangeRecord, 'target' | 'type' | 'host' | 'ip' | 'port' | 'poolMember' | 'checkedAt'>;

function certificateChanges(before: CertInfo, after: CertInfo, result: EndpointResult): Record_[] {
  const changes: Record_[] = [];
  if (before.sha256 !== after.sha256 || before.thumbprint !== after.thumbprint) {
    const daysLeft = Math.floor((new Date(before.notAfter).getTime() - new Date(result.checkedAt).getTime()) / 86_400_000);
    const when = Number.isNaN(daysLeft)
      ? ''
      : daysLeft < 0
        ? ` The old one had expired ${-daysLeft} days before.`
        : daysLeft <= RENEWAL_WINDOW_DAYS
          ? ` The old one had ${daysLeft} days left: a renewal on schedule.`
          : ` The old one still had ${daysLeft} days left: not a renewal on schedule; make sure the swap was planned.`;
    changes.push({
      kind: 'certificate-changed',
      severity: 'info',
      from: before.thumbprint,
      to: after.thumbprint,
      text: `New certificate: ${describe(before)} -> ${describe(after)}.${when}`,
      certificates: { from: summary(before), to: summary(after) },
    });
  }
  if (before.issuer !== after.issuer) {
    changes.push({ kind: 'issuer-changed', severity: 'info', from: before.issuer, to: after.issuer, text: `The certificate is now issued by ${after.issuer} (was ${before.issuer}).` });
  }
  const usages = [SERVER_AUTH, CLIENT_AUTH, ...new Set([...(before.ekus ?? []), ...(after.ekus ?? [])])].filter((oid, i, all) => all.indexOf(oid) === i && oid !== ANY_EKU);
  for (const oid of usages) {
    const had = permits(before.ekus, oid);
    const has = permits(after.ekus, oid);
    if (had === has) continue;
    const name = EKU_NAMES[oid] ?? oid;
    if (had) {
      const severity: Severity = oid === SERVER_AUTH ? 'error' : oid === CLIENT_AUTH && result.type === 'FED' ? 'warning' : 'info';
      const why =
        oid === CLIENT_AUTH
          ? ' The side that opens a federation connection presents this certificate as its client certificate: partners that check the EKU will refuse it. Public CAs stop including Client Authentication in 2026.'
          : oid === SERVER_AUTH
            ? ' TLS clients refuse a server certificate without Server Authentication.'
            : '';
      changes.push({ kind: 'eku-lost', severity, from: name, to: null, text: `The new certificate lost the ${name} EKU.${why}` });
    } else {
      changes.push({ kind: 'eku-gained', severity: 'info', from: null, to: name, text: `The certificate now allows ${name}.` });
    }
  }
  return changes;
}

function acceptedVersions(result: EndpointResult): string | null {
  const versions = result.tls.versions;
  return versions ? PROTOCOL_VERSIONS.filter((v) => versions[v as keyof typeof versions]).join('; ') : null;
}

function tlsChanges(before: EndpointResult, after: EndpointResult): Record_[] {
  const changes: Record_[] = [];
  const older = (p: string | null) => (p ? PROTOCOL_VERSIONS.indexOf(p as (typeof PROTOCOL_VERSIONS)[number]) : -1);
  if (before.tls.protocol && after.tls.protocol && before.tls.protocol !== after.tls.protocol) {
    const downgraded = older(after.tls.protocol) < older(before.tls.protocol);
    changes.push({
      kind: 'protocol-changed',
      severity: downgraded ? 'warning' : 'info',
      from: before.tls.protocol,
      to: after.tls.protocol,
      text: `The server now negotiates ${after.tls.protocol} (was ${before.tls.protocol}).`,
    });
  }
  const was = acceptedVersions(before);
  const now = acceptedVersions(after);
  if (was !== null && now !== null && was !== now) {
    const gained = now.split('; ').filter((v) => v && !was.split('; ').includes(v));
    const lost = was.split('; ').filter((v) => v && !now.split('; ').includes(v));
    const severity: Severity = gained.some((v) => LEGACY_VERSIONS.has(v)) || lost.includes('TLSv1.2') ? 'warning' : 'info';
    const parts = [gained.length ? `now accepts ${gained.join(', ')}` : '', lost.length ? `no longer accepts ${lost.join(', ')}` : ''].filter(Boolean);
    changes.push({ kind: 'versions-changed', severity, from: was || '(none)', to: now || '(none)', text: `The server ${parts.join(' and ')}.` });
  }
  return changes;
}

function trustChanges(before: EndpointResult, after: EndpointResult): Record_[] {
  const changes: Record_[] = [];
  const rootBefore = before.trust?.root ?? null;
  const rootAfter = after.trust?.root ?? null;
  if (rootBefore && rootAfter && rootBefore !== rootAfter) {
    changes.push({ kind: 'root-changed', severity: 'warning', from: rootBefore, to: rootAfter, text: `The chain now ends at ${rootAfter} (was ${rootBefore}): another CA; every partner must trust the new root.` });
  }
  if (before.trust && after.trust && before.trust.trusted !== after.trust.trusted) {
    changes.push(
      after.trust.trusted
        ? { kind: 'trust-regained', severity: 'ok', from: 'untrusted', to: 'trusted', text: 'The chain is trusted again.' }
        : { kind: 'trust-lost', severity: 'error', from: 'trusted', to: 'untrusted', text: `The chain is no longer trusted: ${after.trust.reason ?? 'no trusted root'}.` },
    );
  }
  return changes;
}

function commentChanges(before: EndpointResult, after: EndpointResult): Record_[] {
  const serious = (r: EndpointResult) => new Map(r.comments.filter((c) => c.severity !== 'ok').map((c) => [c.id, c]));
  const was = serious(before);
  const now = serious(after);
  const changes: Record_[] = [];
  for (const [id, comment] of now) {
    if (!was.has(id)) changes.push({ kind: 'comment-new', severity: comment.severity, from: null, to: id, text: `New comment ${id}: ${comment.text}` });
  }
  for (const [id, comment] of was) {
    if (!now.has(id)) changes.push({ kind: 'comment-resolved', severity: 'ok', from: id, to: null, text: `Resolved: ${id} (${comment.text})` });
  }
  return changes;
}

/** The changes from one result of an endpoint to the next result of the same endpoint. */
export function compareEndpoint(before: EndpointResult, after: EndpointResult): ChangeRecord[] {
  let changes: Record_[];
  if (before.error && !after.error) {
    changes = [{ kind: 'reachability-regained', severity: 'ok', from: before.error.code, to: null, text: `Reachable again (was ${before.error.code}).` }];
  } else if (!before.error && after.error) {
    changes = [{ kind: 'reachability-lost', severity: 'error', from: null, to: after.error.code, text: `No longer reachable: ${after.error.code}: ${after.error.message}` }];
  } else if (before.error || after.error) {
    changes = [];
  } else {
    const [leafBefore, leafAfter] = [before.served[0], after.served[0]];
    changes = [
      ...(leafBefore && leafAfter ? certificateChanges(leafBefore, leafAfter, after) : []),
      ...trustChanges(before, after),
      ...tlsChanges(before, after),
      ...commentChanges(before, after),
    ];
  }
  return changes.map((change) => ({ ...locate(after), ...change }));
}

function locate(result: EndpointResult): Pick<ChangeRecord, 'target' | 'type' | 'host' | 'ip' | 'port' | 'poolMember' | 'checkedAt'> {
  return { target: result.target, type: result.type, host: result.host, ip: result.ip, port: result.port, poolMember: result.poolMember, checkedAt: result.checkedAt };
}

/** The changes of one target from one run's results to a later run's results: per endpoint, plus endpoints that came or went. */
export function compareTarget(before: EndpointResult[], after: EndpointResult[]): ChangeRecord[] {
  // A cancelled endpoint was not checked: it tells nothing, neither that it changed nor that it went.
  const checked = (results: EndpointResult[]) => new Map(results.filter((r) => r.error?.code !== 'CANCELLED').map((r) => [endpointKey(r), r]));
  const earlier = checked(before);
  const later = checked(after);
  const named = new Set(before.map(endpointKey));
  const cancelled = new Set(after.filter((r) => r.error?.code === 'CANCELLED').map(endpointKey));
  const changes: ChangeRecord[] = [];
  const what = (r: EndpointResult) => (r.poolMember ? 'Pool member' : 'Endpoint');
  for (const [key, result] of later) {
    const previous = earlier.get(key);
    if (previous) changes.push(...compareEndpoint(previous, result));
    else if (!named.has(key)) changes.push({ ...locate(result), kind: 'endpoint-appeared', severity: 'info', from: null, to: `${result.ip ?? result.host}:${result.port ?? ''}`, text: `${what(result)} ${result.host} ${result.ip ?? ''}:${result.port ?? ''} appeared.` });
  }
  const checkedAt = after[0]?.checkedAt;
  for (const [key, result] of earlier) {
    if (later.has(key) || cancelled.has(key)) continue;
    changes.push({
      ...locate(result),
      ...(checkedAt ? { checkedAt } : {}),
      kind: 'endpoint-disappeared',
      severity: 'warning',
      from: `${result.ip ?? result.host}:${result.port ?? ''}`,
      to: null,
      text: `${what(result)} ${result.host} ${result.ip ?? ''}:${result.port ?? ''} is gone: DNS no longer names it.`,
    });
  }
  return changes;
}

/** Every change from one snapshot to a later one, for the targets present in both; most serious first. */
export function compareSnapshots(before: TargetSnapshot, after: TargetSnapshot): ChangeRecord[] {
  const changes: ChangeRecord[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (was && was.runId !== now.runId) changes.push(...compareTarget(was.results, now.results));
  }
  return sortChanges(changes);
}

/** Most serious first, then by target, host and IP; stable otherwise. */
export function sortChanges(changes: ChangeRecord[]): ChangeRecord[] {
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  return [...changes].sort((a, b) => rank(a.severity) - rank(b.severity) || targetKey(a).localeCompare(targetKey(b)) || a.host.localeCompare(b.host) || (a.ip ?? '').localeCompare(b.ip ?? ''));
}
