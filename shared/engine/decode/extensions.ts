// Certificate extensions: the friendly name and the text Windows' certificate dialog shows
// (CryptFormatObject multi-line, as .NET's X509Extension.Format(true) returns it on Windows),
// plus the facts the rest of the engine needs (SANs, EKUs, key usage, URLs, key identifiers).
// Each extension is decoded on its own: one that will not parse shows as hex and the rest still decode.
import { AsnParser } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  PolicyConstraints,
  PolicyMappings,
  PrivateKeyUsagePeriod,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  UserNotice,
  type DistributionPoint,
  type Extension,
  type GeneralSubtrees,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { ExtensionInfo, SanEntry } from '../../types.ts';
import { asn1Text, parseDer, spacedHex } from './der.ts';
import { generalNameLines, indent, sanEntry } from './general-names.ts';
import { nameParts } from './names.ts';
import {
  ACCESS_METHOD_NAMES,
  EKU_NAMES,
  EXTENSION_NAMES,
  OID_AIA_CA_ISSUERS,
  OID_AIA_OCSP,
  OID_CPS_QUALIFIER,
  OID_USER_NOTICE_QUALIFIER,
  POLICY_NAMES,
} from './oids.ts';
import { formatSctList } from './sct.ts';
import { toBytes } from '../../bytes.ts';

/** What the engine reads out of the extensions, besides their display text. */
export interface ExtensionFacts {
  san: SanEntry[];
  ekus: string[];
  keyUsage: string[];
  basicConstraints: { isCA: boolean; pathLength: number | null };
  crlUrls: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  subjectKeyId: string;
  authorityKeyId: string | null;
}

interface Formatted {
  data: string;
  facts?: Partial<ExtensionFacts>;
}

type Formatter = (value: Uint8Array) => Formatted;

/**
 * Parse a SEQUENCE OF value into a plain array: the schema's list classes extend Array, so map() and
 * filter() on them would return those classes, which must not leak into CertInfo (JSON/IPC, deepEqual).
 */
function parseList<T>(value: Uint8Array, type: new () => T[]): T[] {
  return Array.from(AsnParser.parse(value, type));
}

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] ?? oid;
}

/** Decode one extension; never throws (a value that will not decode shows as spaced hex). */
export function decodeExtension(extension: Extension): { info: ExtensionInfo; facts: Partial<ExtensionFacts> } {
  const oid = extension.extnID;
  const value = toBytes(extension.extnValue.buffer);
  const base = { name: extensionName(oid), oid, critical: extension.critical === true };
  const formatter = FORMATTERS[oid];
  if (formatter) {
    try {
      const formatted = formatter(value);
      return { info: { ...base, data: formatted.data }, facts: formatted.facts ?? {} };
    } catch {
      // A broken value: fall back to hex, like Windows does for what it cannot decode.
    }
  }
  return { info: { ...base, data: spacedHex(value) }, facts: {} };
}

// ---- Key usage -------------------------------------------------------------------------------

const KEY_USAGE_BITS: readonly { flag: string; labels: string[] }[] = [
  { flag: 'digitalSignature', labels: ['Digital Signature'] },
  { flag: 'nonRepudiation', labels: ['Non-Repudiation'] },
  { flag: 'keyEncipherment', labels: ['Key Encipherment'] },
  { flag: 'dataEncipherment', labels: ['Data Encipherment'] },
  { flag: 'keyAgreement', labels: ['Key Agreement'] },
  { flag: 'keyCertSign', labels: ['Certificate Signing'] },
  // Windows names the one cRLSign bit twice.
  { flag: 'cRLSign', labels: ['Off-line CRL Signing', 'CRL Signing'] },
  { flag: 'encipherOnly', labels: ['Encipher Only'] },
  { flag: 'decipherOnly', labels: ['Decipher Only'] },
];

function bitIsSet(bytes: Uint8Array, bit: number): boolean {
  const byte = bytes[bit >> 3];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}

function formatKeyUsage(value: Uint8Array): Formatted {
  const bits = toBytes(AsnParser.parse(value, KeyUsage).value);
  const flags: string[] = [];
  const labels: string[] = [];
  KEY_USAGE_BITS.forEach((entry, bit) => {
    if (bitIsSet(bits, bit)) {
      flags.push(entry.flag);
      labels.push(...entry.labels);
    }
  });
  const data =
    bits.length === 0 || bits.length > 2
      ? 'Information Not Available'
      : `${labels.join(', ')} (${spacedHex(bits)})`.trimStart();
  return { data, facts: { keyUsage: flags } };
}

const NETSCAPE_CERT_TYPE_LABELS = [
  'SSL Client Authentication',
  'SSL Server Authentication',
  'S/MIME',
  'Signature',
  '',
  'SSL CA',
  'S/MIME CA',
  'Signature CA',
];

function formatNetscapeCertType(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.BitString)) throw new Error('not a BIT STRING');
  const bits = node.valueBlock.valueHexView;
  const labels = NETSCAPE_CERT_TYPE_LABELS.filter((label, bit) => label && bitIsSet(bits, bit));
  return { data: `${labels.join(', ')} (${spacedHex(bits.subarray(0, 1))})`.trimStart() };
}

// ---- Names and identifiers -------------------------------------------------------------------

function formatSubjectAltName(value: Uint8Array): Formatted {
  const names = parseList(value, SubjectAlternativeName);
  const lines = names.flatMap((name) => generalNameLines(name, 0));
  return { data: lines.join('\n'), facts: { san: names.map(sanEntry) } };
}

function formatIssuerAltName(value: Uint8Array): Formatted {
  const names = parseList(value, SubjectAlternativeName);
  return { data: names.flatMap((name) => generalNameLines(name, 0)).join('\n') };
}

function formatSubjectKeyId(value: Uint8Array): Formatted {
  const keyId = spacedHex(AsnParser.parse(value, SubjectKeyIdentifier).buffer);
  return { data: keyId, facts: { subjectKeyId: keyId } };
}

function formatAuthorityKeyId(value: Uint8Array): Formatted {
  const aki = AsnParser.parse(value, AuthorityKeyIdentifier);
  const lines: string[] = [];
  const keyId = aki.keyIdentifier ? spacedHex(aki.keyIdentifier.buffer) : null;
  if (keyId !== null) lines.push(`KeyID=${keyId}`);
  if (aki.authorityCertIssuer?.length) {
    lines.push('Certificate Issuer:', ...aki.authorityCertIssuer.flatMap((name) => generalNameLines(name, 1)));
  }
  if (aki.authorityCertSerialNumber) lines.push(`Certificate SerialNumber=${spacedHex(aki.authorityCertSerialNumber)}`);
  return { data: lines.join('\n'), facts: { authorityKeyId: keyId } };
}

function formatBasicConstraints(value: Uint8Array): Formatted {
  const constraints = AsnParser.parse(value, BasicConstraints);
  const isCA = constraints.cA === true;
  const pathLength = constraints.pathLenConstraint ?? null;
  return {
    data: `Subject Type=${isCA ? 'CA' : 'End Entity'}\nPath Length Constraint=${pathLength ?? 'None'}`,
    facts: { basicConstraints: { isCA, pathLength } },
  };
}

// ---- Usages and policies ---------------------------------------------------------------------

function ekuLine(oid: string): string {
  return `${EKU_NAMES[oid] ?? 'Unknown Key Usage'} (${oid})`;
}

function formatEnhancedKeyUsage(value: Uint8Array): Formatted {
  const ekus = parseList(value, ExtendedKeyUsage);
  return { data: ekus.map(ekuLine).join('\n'), facts: { ekus } };
}

function qualifierLines(qualifierId: string, qualifier: ArrayBuffer): string[] {
  const pad = indent(3);
  if (qualifierId === OID_CPS_QUALIFIER) {
    const text = asn1Text(parseDer(qualifier));
    if (text !== null) return [`${pad}${text}`];
  }
  if (qualifierId === OID_USER_NOTICE_QUALIFIER) {
    const notice = AsnParser.parse(qualifier, UserNotice);
    const lines: string[] = [];
    if (notice.noticeRef) {
      lines.push(`${pad}Notice Reference:`);
      lines.push(`${indent(4)}Organization=${notice.noticeRef.organization.toString()}`);
      lines.push(`${indent(4)}Notice Number=${notice.noticeRef.noticeNumbers.join(', ')}`);
    }
    if (notice.explicitText) lines.push(`${pad}Notice Text=${notice.explicitText.toString()}`);
    return lines;
  }
  return [`${pad}${spacedHex(qualifier)}`];
}

function qualifierIdName(qualifierId: string): string {
  if (qualifierId === OID_CPS_QUALIFIER) return 'CPS';
  if (qualifierId === OID_USER_NOTICE_QUALIFIER) return 'User Notice';
  return qualifierId;
}

/** Certificate Policies and Microsoft's Application Policies share one layout. */
function formatPolicies(value: Uint8Array, heading: string, policyName: (oid: string) => string): Formatted {
  const policies = parseList(value, CertificatePolicies);
  const lines: string[] = [];
  policies.forEach((policy, i) => {
    lines.push(`[${i + 1}]${heading}:`, `${indent(1)}Policy Identifier=${policyName(policy.policyIdentifier)}`);
    (policy.policyQualifiers ?? []).forEach((qualifier, j) => {
      lines.push(
        `${indent(1)}[${i + 1},${j + 1}]Policy Qualifier Info:`,
        `${indent(2)}Policy Qualifier Id=${qualifierIdName(qualifier.policyQualifierId)}`,
        `${indent(2)}Qualifier:`,
        ...qualifierLines(qualifier.policyQualifierId, qualifier.qualifier),
      );
    });
  });
  return { data: lines.join('\n') };
}

function formatCertificatePolicies(value: Uint8Array): Formatted {
  return formatPolicies(value, 'Certificate Policy', (oid) => POLICY_NAMES[oid] ?? oid);
}

function formatApplicationPolicies(value: Uint8Array): Formatted {
  return formatPolicies(value, 'Application Certificate Policy', (oid) => EKU_NAMES[oid] ?? oid);
}

function formatPolicyMappings(value: Uint8Array): Formatted {
  const mappings = parseList(value, PolicyMappings);
  return {
    data: mappings
      .flatMap((mapping, i) => [
        `[${i + 1}]Issuer Domain=${mapping.issuerDomainPolicy}`,
        `${indent(1)}Subject Domain=${mapping.subjectDomainPolicy}`,
      ])
      .join('\n'),
  };
}

function skipCerts(value: ArrayBuffer): number {
  return toBytes(value).reduce((n, byte) => n * 256 + byte, 0);
}

function formatPolicyConstraints(value: Uint8Array): Formatted {
  const constraints = AsnParser.parse(value, PolicyConstraints);
  const lines: string[] = [];
  if (constraints.requireExplicitPolicy) {
    lines.push(`Required Explicit Policy Skip Certs=${skipCerts(constraints.requireExplicitPolicy)}`);
  }
  if (constraints.inhibitPolicyMapping) {
    lines.push(`Inhibit Policy Mapping Skip Certs=${skipCerts(constraints.inhibitPolicyMapping)}`);
  }
  return { data: lines.join('\n') };
}

// ---- Revocation and issuer locations ---------------------------------------------------------

const CRL_REASON_LABELS = [
  '',
  'Key Compromise',
  'CA Compromise',
  'Affiliation Changed',
  'Superseded',
  'Operation Ceased',
  'Certificate Hold',
];

function distributionPointLines(point: DistributionPoint, index: number): string[] {
  const lines = [`[${index}]CRL Distribution Point`];
  const name = point.distributionPoint;
  if (name) {
    lines.push(`${indent(1)}Distribution Point Name:`);
    if (name.fullName) {
      lines.push(`${indent(2)}Full Name:`, ...name.fullName.flatMap((general) => generalNameLines(general, 3)));
    }
    if (name.nameRelativeToCRLIssuer) {
      const rdn = nameParts([name.nameRelativeToCRLIssuer]);
      lines.push(`${indent(2)}RDN Name:`, ...rdn.map((part) => `${indent(3)}${part}`));
    }
  }
  if (point.reasons) {
    const bits = toBytes(point.reasons.value);
    const labels = CRL_REASON_LABELS.filter((label, bit) => label && bitIsSet(bits, bit));
    lines.push(`${indent(1)}CRL Reason=${labels.join(', ')} (${spacedHex(bits.subarray(0, 1))})`);
  }
  if (point.cRLIssuer?.length) {
    lines.push(`${indent(1)}CRL Issuer:`, ...point.cRLIssuer.flatMap((general) => generalNameLines(general, 2)));
  }
  return lines;
}

function distributionPointUrls(points: readonly DistributionPoint[]): string[] {
  return points.flatMap((point) =>
    (point.distributionPoint?.fullName ?? [])
      .map((general) => general.uniformResourceIdentifier)
      .filter((url): url is string => url !== undefined),
  );
}

function formatCrlDistributionPoints(value: Uint8Array): Formatted {
  const points = parseList(value, CRLDistributionPoints);
  return {
    data: points.flatMap((point, i) => distributionPointLines(point, i + 1)).join('\n'),
    facts: { crlUrls: distributionPointUrls(points) },
  };
}

function formatFreshestCrl(value: Uint8Array): Formatted {
  const points = parseList(value, CRLDistributionPoints);
  return { data: points.flatMap((point, i) => distributionPointLines(point, i + 1)).join('\n') };
}

function accessMethodText(oid: string): string {
  return `${ACCESS_METHOD_NAMES[oid] ?? 'Unknown Access Method'} (${oid})`;
}

function formatAccessDescriptions(value: Uint8Array, heading: string): Formatted {
  const descriptions = parseList(value, AuthorityInfoAccessSyntax);
  const lines = descriptions.flatMap((description, i) => [
    `[${i + 1}]${heading}`,
    `${indent(1)}Access Method=${accessMethodText(description.accessMethod)}`,
    `${indent(1)}Alternative Name:`,
    ...generalNameLines(description.accessLocation, 2),
  ]);
  const urlsFor = (method: string) =>
    descriptions
      .filter((description) => description.accessMethod === method)
      .map((description) => description.accessLocation.uniformResourceIdentifier)
      .filter((url): url is string => url !== undefined);
  return {
    data: lines.join('\n'),
    facts: { ocspUrls: urlsFor(OID_AIA_OCSP), caIssuerUrls: urlsFor(OID_AIA_CA_ISSUERS) },
  };
}

function formatAuthorityInfoAccess(value: Uint8Array): Formatted {
  return formatAccessDescriptions(value, 'Authority Info Access');
}

function formatSubjectInfoAccess(value: Uint8Array): Formatted {
  return { data: formatAccessDescriptions(value, 'Subject Info Access').data };
}

// ---- Constraints -----------------------------------------------------------------------------

function subtreeLines(subtrees: GeneralSubtrees | undefined, heading: string): string[] {
  if (!subtrees?.length) return [`${heading}=None`];
  return [
    heading,
    ...subtrees.flatMap((subtree, i) => [
      `${indent(1)}[${i + 1}]Subtrees (${subtree.minimum ?? 0}..${subtree.maximum ?? 'Max'}):`,
      ...generalNameLines(subtree.base, 2, true),
    ]),
  ];
}

function formatNameConstraints(value: Uint8Array): Formatted {
  const constraints = AsnParser.parse(value, NameConstraints);
  return {
    data: [
      ...subtreeLines(constraints.permittedSubtrees, 'Permitted'),
      ...subtreeLines(constraints.excludedSubtrees, 'Excluded'),
    ].join('\n'),
  };
}

function formatPrivateKeyUsagePeriod(value: Uint8Array): Formatted {
  const period = AsnParser.parse(value, PrivateKeyUsagePeriod);
  const lines: string[] = [];
  if (period.notBefore) lines.push(`Not Before=${period.notBefore.toISOString()}`);
  if (period.notAfter) lines.push(`Not After=${period.notAfter.toISOString()}`);
  return { data: lines.join('\n') };
}

// ---- Microsoft and Netscape ------------------------------------------------------------------

function sequenceItems(node: asn1js.AsnType): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw new Error('not a SEQUENCE');
  return node.valueBlock.value;
}

function integerValue(node: asn1js.AsnType | undefined): number {
  if (!(node instanceof asn1js.Integer)) throw new Error('not an INTEGER');
  return Number(node.toBigInt());
}

function oidValue(node: asn1js.AsnType | undefined): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Error('not an OBJECT IDENTIFIER');
  return node.getValue();
}

function formatTemplateInformation(value: Uint8Array): Formatted {
  const [template, major, minor] = sequenceItems(parseDer(value));
  const lines = [`Template=${oidValue(template)}`, `Major Version Number=${integerValue(major)}`];
  if (minor !== undefined) lines.push(`Minor Version Number=${integerValue(minor)}`);
  return { data: lines.join('\n') };
}

function formatText(value: Uint8Array): Formatted {
  const text = asn1Text(parseDer(value));
  if (text === null) throw new Error('not a string');
  return { data: text };
}

/** CA Version: the low 16 bits count certificate renewals, the high 16 bits key renewals. */
function formatCaVersion(value: Uint8Array): Formatted {
  const version = integerValue(parseDer(value));
  return { data: `V${version & 0xffff}.${Math.floor(version / 0x10000) & 0xffff}` };
}

function formatOctets(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.OctetString)) throw new Error('not an OCTET STRING');
  return { data: spacedHex(node.valueBlock.valueHexView) };
}

function formatSmimeCapabilities(value: Uint8Array): Formatted {
  const lines = sequenceItems(parseDer(value)).flatMap((capability, i) => {
    const [oid, parameters] = sequenceItems(capability);
    const out = [`[${i + 1}]SMIME Capability`, `${indent(1)}Object ID=${oidValue(oid)}`];
    if (parameters) out.push(`${indent(1)}Parameters=${spacedHex(parameters.valueBeforeDecodeView)}`);
    return out;
  });
  return { data: lines.join('\n') };
}

function formatSct(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.OctetString)) throw new Error('not an OCTET STRING');
  return { data: formatSctList(node.valueBlock.valueHexView) };
}

const FORMATTERS: Readonly<Record<string, Formatter>> = {
  '2.5.29.14': formatSubjectKeyId,
  '2.5.29.15': formatKeyUsage,
  '2.5.29.16': formatPrivateKeyUsagePeriod,
  '2.5.29.17': formatSubjectAltName,
  '2.5.29.18': formatIssuerAltName,
  '2.5.29.19': formatBasicConstraints,
  '2.5.29.30': formatNameConstraints,
  '2.5.29.31': formatCrlDistributionPoints,
  '2.5.29.32': formatCertificatePolicies,
  '2.5.29.33': formatPolicyMappings,
  '2.5.29.35': formatAuthorityKeyId,
  '2.5.29.36': formatPolicyConstraints,
  '2.5.29.37': formatEnhancedKeyUsage,
  '2.5.29.46': formatFreshestCrl,
  '1.3.6.1.5.5.7.1.1': formatAuthorityInfoAccess,
  '1.3.6.1.5.5.7.1.11': formatSubjectInfoAccess,
  '1.3.6.1.4.1.11129.2.4.2': formatSct,
  '1.3.6.1.4.1.311.20.2': formatText,
  '1.3.6.1.4.1.311.21.1': formatCaVersion,
  '1.3.6.1.4.1.311.21.2': formatOctets,
  '1.3.6.1.4.1.311.21.7': formatTemplateInformation,
  '1.3.6.1.4.1.311.21.10': formatApplicationPolicies,
  '1.2.840.113549.1.9.15': formatSmimeCapabilities,
  '2.16.840.1.113730.1.1': formatNetscapeCertType,
  '2.16.840.1.113730.1.13': formatText,
};
