// RFC 5280 4.2.1.10 / 6.1.3 (b)-(c) name constraints.
// Permitted subtrees intersect down the path: a name must fall inside the permitted list of every CA
// above it that constrains its name type (so a sub-CA can narrow, never widen). Excluded subtrees add up.
import { performance } from 'node:perf_hooks';
import { canonicalName } from './names.ts';
import { formatIp, type GeneralNameValue, type NameConstraintsValue, type ParsedCert } from './cert.ts';

/** The constraints one CA on the path imposes, with the CA's label for sentences. */
export interface ConstraintSet {
  from: string;
  constraints: NameConstraintsValue;
}

/** Why a name-constraints extension itself is unusable, or null when it is well formed. */
export function malformedConstraint(constraints: NameConstraintsValue): string | null {
  for (const base of [...(constraints.permitted ?? []), ...(constraints.excluded ?? [])]) {
    if (base.type === 'dns' && !isDnsConstraint(base.value)) return `Name constraints: "${base.value}" is not a valid DNS name constraint`;
    if (base.type === 'ip' && !isCidr(base.bytes)) return 'Name constraints: an IP address constraint is not an address and a contiguous mask';
  }
  return null;
}

/**
 * A bound on name-constraint work for one path: names x constraints comparisons, and time. OpenSSL
 * refuses a certificate whose names times its issuer's constraints exceed 2^20 (crypto/x509/v3_ncons.c,
 * NAME_CHECK_MAX); this counts the same product, summed over the path, and also stops at a deadline
 * so that a hostile chain cannot hold a check (pathological::nc-dos-*).
 */
export class NameCheckBudget {
  static readonly MAX_COMPARISONS = 1 << 20;
  static readonly MAX_MS = 50;
  private spent = 0;
  private readonly deadline = performance.now() + NameCheckBudget.MAX_MS;

  /** Why `comparisons` more would be too many, or null (and they are counted). */
  take(comparisons: number): string | null {
    this.spent += comparisons;
    if (this.spent > NameCheckBudget.MAX_COMPARISONS) {
      return `Name constraints: ${comparisons.toLocaleString('en-US')} name and constraint comparisons is more than a client checks (limit ${NameCheckBudget.MAX_COMPARISONS.toLocaleString('en-US')}, as OpenSSL)`;
    }
    return null;
  }

  /** Why the time is up, or null. */
  overTime(): string | null {
    return performance.now() > this.deadline ? `Name constraints: checking took longer than ${NameCheckBudget.MAX_MS} ms, so the chain is refused` : null;
  }
}

/** How often (in comparisons) the deadline is looked at. */
const CLOCK_EVERY = 2048;

/**
 * Checks the names of `cert` against every constraint set above it.
 * Returns the first violation as an admin's sentence, or null.
 */
export function checkNameConstraints(cert: ParsedCert, sets: ConstraintSet[], isLeaf: boolean, budget = new NameCheckBudget()): string | null {
  if (sets.length === 0) return null;
  const names = namesToCheck(cert, isLeaf);
  const constraintCount = sets.reduce((sum, set) => sum + (set.constraints.permitted?.length ?? 0) + (set.constraints.excluded?.length ?? 0), 0);
  // The subject counts once per attribute, as in OpenSSL: a DN comparison walks them all.
  const nameCount = names.length + Math.max(0, cert.subject.flat().length - 1);
  const refusal = budget.take(nameCount * constraintCount);
  if (refusal) return refusal;
  const prepared = sets.map((set) => ({ from: set.from, ...prepare(set.constraints) }));
  let sinceClock = 0;
  for (const name of names) {
    const problem = unusableName(name, sets);
    if (problem) return problem;
    if (name.type === 'other') {
      const constrained = sets.find((set) => [...(set.constraints.permitted ?? []), ...(set.constraints.excluded ?? [])].some((b) => b.type === 'other' && b.form === name.form));
      // RFC 5280 4.2.1.10: a constraint on a name form must be processed, or the certificate rejected.
      if (constrained) return `Name constraints: "${constrained.from}" constrains ${name.form} names, which this tool cannot check, and the certificate has one`;
      continue;
    }
    const key = nameKey(name);
    for (const set of prepared) {
      sinceClock += set.excluded.length + set.permitted.length;
      if (sinceClock >= CLOCK_EVERY) {
        sinceClock = 0;
        const late = budget.overTime();
        if (late) return late;
      }
      if (set.excluded.some((base) => base.type === name.type && excludes(name, key, base))) return `Name constraints violated: ${describe(name)} is excluded by "${set.from}"`;
      const permittedOfType = set.permitted.filter((base) => base.type === name.type);
      if (permittedOfType.length > 0 && !permittedOfType.some((base) => within(name, key, base))) {
        return `Name constraints violated: ${describe(name)} is not permitted by "${set.from}"`;
      }
    }
  }
  return null;
}

/** A name that cannot be placed in any subtree: malformed DNS names, IPs, or e-mail addresses under an e-mail constraint. */
function unusableName(name: GeneralNameValue, sets: ConstraintSet[]): string | null {
  if (name.type === 'dns' && !isDnsName(name.value)) return `Name constraints violated: "${name.value}" is not a valid DNS name`;
  if (name.type === 'ip' && name.bytes.length !== 4 && name.bytes.length !== 16) return 'Name constraints violated: an IP address in the certificate is malformed';
  if (name.type === 'email' && !isMailbox(name.value) && sets.some((set) => [...(set.constraints.permitted ?? []), ...(set.constraints.excluded ?? [])].some((b) => b.type === 'email'))) {
    return `Name constraints violated: "${name.value}" is not a valid e-mail address`;
  }
  return null;
}

/** RFC 5280 4.2.1.10 says what a conforming CA writes; real clients accept both of these (strict profile only). */
export function nameConstraintProfileProblems(cert: ParsedCert): string[] {
  const constraints = cert.nameConstraints;
  if (!constraints) return [];
  const problems: string[] = [];
  // CA/B Forum 7.1.2.5.2 allows a non-critical one for legacy clients; RFC 5280 does not (webpki and limbo's rfc5280 cases disagree).
  if (!constraints.critical) problems.push('Name constraints must be marked critical (RFC 5280 4.2.1.10)');
  for (const base of [...(constraints.permitted ?? []), ...(constraints.excluded ?? [])]) {
    if (base.type === 'dns' && base.value.startsWith('.')) problems.push(`Name constraints: the DNS constraint "${base.value}" starts with a period, which RFC 5280 defines only for URI and e-mail constraints`);
  }
  return problems;
}

/** Subject DN (when not empty) and SAN names; a leaf without DNS SANs also has its CN checked as a host name, as OpenSSL does. */
function namesToCheck(cert: ParsedCert, isLeaf: boolean): GeneralNameValue[] {
  const names: GeneralNameValue[] = [];
  if (cert.subject.length > 0) names.push({ type: 'dn', name: cert.subject });
  const sans = cert.subjectAltName?.names ?? [];
  names.push(...sans);
  if (isLeaf && !sans.some((n) => n.type === 'dns')) {
    for (const rdn of cert.subject) {
      for (const attribute of rdn) {
        if (attribute.oid === '2.5.4.3' && attribute.text && /^[a-z0-9*_-]+(\.[a-z0-9_-]+)+\.?$/i.test(attribute.text)) {
          names.push({ type: 'dns', value: attribute.text });
        }
      }
    }
  }
  return names;
}

function describe(name: GeneralNameValue): string {
  switch (name.type) {
    case 'dns':
      return `DNS name "${name.value}"`;
    case 'email':
      return `e-mail "${name.value}"`;
    case 'uri':
      return `URI "${name.value}"`;
    case 'ip':
      return `IP address ${formatIp(name.bytes)}`;
    case 'dn':
      return 'the subject name';
    default:
      return 'a name';
  }
}

/** A constraint (or name) in the form comparisons read: lower-cased once, DN RDNs canonical once. */
type NameKey = { text: string; rdns: string[] | null };
type PreparedBase = GeneralNameValue & { key: NameKey };

const preparedSets = new WeakMap<NameConstraintsValue, { permitted: PreparedBase[]; excluded: PreparedBase[] }>();

function prepare(constraints: NameConstraintsValue): { permitted: PreparedBase[]; excluded: PreparedBase[] } {
  let prepared = preparedSets.get(constraints);
  if (!prepared) {
    const withKeys = (list: GeneralNameValue[] | null) => (list ?? []).map((base) => ({ ...base, key: nameKey(base) }));
    prepared = { permitted: withKeys(constraints.permitted), excluded: withKeys(constraints.excluded) };
    preparedSets.set(constraints, prepared);
  }
  return prepared;
}

function nameKey(name: GeneralNameValue): NameKey {
  if (name.type === 'dn') return { text: '', rdns: name.name.map((rdn) => canonicalName([rdn])) };
  if (name.type === 'dns') return { text: name.value.toLowerCase().replace(/\.$/, ''), rdns: null };
  return { text: 'value' in name ? name.value : '', rdns: null };
}

function within(name: GeneralNameValue, key: NameKey, base: PreparedBase): boolean {
  if (name.type === 'dns' && base.type === 'dns') return dnsWithin(key.text, base.key.text);
  if (name.type === 'ip' && base.type === 'ip') return ipWithin(name.bytes, base.bytes);
  if (name.type === 'dn' && base.type === 'dn') return dnWithin(key.rdns!, base.key.rdns!);
  if (name.type === 'email' && base.type === 'email') return emailWithin(name.value, base.value);
  if (name.type === 'uri' && base.type === 'uri') return uriWithin(name.value, base.value);
  return false;
}

/**
 * Within an excluded subtree, or a wildcard that could stand for a name inside one: "*.example.com"
 * against excluded "bar.example.com" (RFC 5280 6.1.3 (b): no name the certificate can present may be excluded).
 */
function excludes(name: GeneralNameValue, key: NameKey, base: PreparedBase): boolean {
  if (within(name, key, base)) return true;
  if (name.type !== 'dns' || !key.text.startsWith('*.')) return false;
  const parent = key.text.slice(2);
  const excluded = base.key.text;
  // ".bar.example.com" excludes only names below bar.example.com, which one label on example.com never is.
  return !excluded.startsWith('.') && excluded.endsWith(`.${parent}`) && !excluded.slice(0, -parent.length - 1).includes('.');
}

/** "example.com" covers example.com and any name made by adding labels on the left; ".example.com" only the latter. */
function dnsWithin(host: string, base: string): boolean {
  if (base === '') return true;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base || host.endsWith(`.${base}`);
}

function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  const half = constraint.length / 2;
  if (address.length !== half) return false;
  for (let i = 0; i < half; i++) {
    if ((address[i]! & constraint[half + i]!) !== (constraint[i]! & constraint[half + i]!)) return false;
  }
  return true;
}

/** The constraint's RDNs are a prefix of the name's. */
function dnWithin(name: string[], constraint: string[]): boolean {
  if (constraint.length > name.length) return false;
  return constraint.every((rdn, i) => rdn === name[i]);
}

function emailWithin(address: string, constraint: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const host = address.slice(at + 1).toLowerCase();
  if (constraint.includes('@')) return address.slice(0, at) === constraint.slice(0, constraint.lastIndexOf('@')) && host === constraint.slice(constraint.lastIndexOf('@') + 1).toLowerCase();
  const base = constraint.toLowerCase();
  return base.startsWith('.') ? host.endsWith(base) : host === base;
}

function uriWithin(uri: string, constraint: string): boolean {
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri)?.[1]?.toLowerCase();
  if (!host) return false;
  const base = constraint.toLowerCase();
  return base.startsWith('.') ? host.endsWith(base) : host === base;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/i;

/** A presented DNS name: LDH labels, optionally a whole-label wildcard on the left. */
export function isDnsName(name: string): boolean {
  const labels = name.replace(/\.$/, '').split('.');
  if (name.length === 0 || name.length > 253) return false;
  return labels.every((label, i) => (i === 0 && label === '*' && labels.length > 1) || (label.length <= 63 && LABEL.test(label)));
}

/** A DNS constraint: empty (everything), or a host name, optionally with a leading dot. No wildcards. */
function isDnsConstraint(value: string): boolean {
  if (value === '') return true;
  const body = value.startsWith('.') ? value.slice(1) : value;
  return body.length > 0 && !body.includes('*') && isDnsName(body);
}

/** RFC 5321 Mailbox: a dot-atom or quoted local part, "@", a host name (4.2.1.6 reads rfc822Name as one). */
function isMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const dotAtom = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i.test(local);
  const quoted = /^"([^"\\]|\\.)*"$/.test(local);
  const host = address.slice(at + 1);
  return (dotAtom || quoted) && isDnsName(host) && !host.includes('*');
}

function isCidr(bytes: Uint8Array): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const mask = bytes.subarray(bytes.length / 2);
  let bits = '';
  for (const byte of mask) bits += byte.toString(2).padStart(8, '0');
  return /^1*0*$/.test(bits);
}
