// RFC 5280 4.2.1.10 / 6.1.3 (b)-(c) name constraints.
// Permitted subtrees intersect down the path: a name must fall inside the permitted list of every CA
// above it that constrains its name type (so a sub-CA can narrow, never widen). Excluded subtrees add up.
import { canonicalName, type ParsedName } from './names.ts';
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
 * Checks the names of `cert` against every constraint set above it.
 * Returns the first violation as an admin's sentence, or null.
 */
export function checkNameConstraints(cert: ParsedCert, sets: ConstraintSet[], isLeaf: boolean): string | null {
  if (sets.length === 0) return null;
  const names = namesToCheck(cert, isLeaf);
  for (const name of names) {
    if (name.type === 'dns' && !isDnsName(name.value)) return `Name constraints violated: "${name.value}" is not a valid DNS name`;
    if (name.type === 'ip' && name.bytes.length !== 4 && name.bytes.length !== 16) return 'Name constraints violated: an IP address in the certificate is malformed';
    for (const set of sets) {
      const excluded = (set.constraints.excluded ?? []).find((base) => base.type === name.type && matches(name, base));
      if (excluded) return `Name constraints violated: ${describe(name)} is excluded by "${set.from}"`;
      const permittedOfType = (set.constraints.permitted ?? []).filter((base) => base.type === name.type);
      if (permittedOfType.length > 0 && !permittedOfType.some((base) => matches(name, base))) {
        return `Name constraints violated: ${describe(name)} is not permitted by "${set.from}"`;
      }
    }
  }
  return null;
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

function matches(name: GeneralNameValue, base: GeneralNameValue): boolean {
  if (name.type === 'dns' && base.type === 'dns') return dnsWithin(name.value, base.value);
  if (name.type === 'ip' && base.type === 'ip') return ipWithin(name.bytes, base.bytes);
  if (name.type === 'dn' && base.type === 'dn') return dnWithin(name.name, base.name);
  if (name.type === 'email' && base.type === 'email') return emailWithin(name.value, base.value);
  if (name.type === 'uri' && base.type === 'uri') return uriWithin(name.value, base.value);
  return false;
}

/** "example.com" covers example.com and any name made by adding labels on the left; ".example.com" only the latter. */
function dnsWithin(name: string, constraint: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const base = constraint.toLowerCase().replace(/\.$/, '');
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
function dnWithin(name: ParsedName, constraint: ParsedName): boolean {
  if (constraint.length > name.length) return false;
  return constraint.every((rdn, i) => canonicalName([rdn]) === canonicalName([name[i]!]));
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

function isCidr(bytes: Uint8Array): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const mask = bytes.subarray(bytes.length / 2);
  let bits = '';
  for (const byte of mask) bits += byte.toString(2).padStart(8, '0');
  return /^1*0*$/.test(bits);
}
