// Certificate extensions: the friendly name and the text Windows' certificate dialog shows
// (CryptFormatObject multi-line, as .NET's X509Extension.Format(true) returns it on Windows),
// plus the facts the rest of the engine needs (SANs, EKUs, key usage, URLs, key identifiers).
// Each extension is decoded on its own: one that will not parse shows as hex and the rest still decode.
import { AsnParser } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, BasicConstraints, KeyUsage, NameConstraints, SubjectAlternativeName, SubjectKeyIdentifier, type Extension, type GeneralSubtrees } from '@peculiar/asn1-x509';
import type { ExtensionInfo } from '../../types.ts';
import { toBytes } from '../../bytes.ts';
import { spacedHex } from './der.ts';
import { bitIsSet, parseList, type ExtensionFacts, type Formatted, type Formatter } from './extension-values.ts';
import { formatAuthorityInfoAccess, formatCrlDistributionPoints, formatFreshestCrl, formatSubjectInfoAccess } from './extension-locations.ts';
import { formatApplicationPolicies, formatCertificatePolicies, formatEnhancedKeyUsage, formatPolicyConstraints, formatPolicyMappings } from './extension-policies.ts';
import {
  formatCaVersion,
  formatNetscapeCertType,
  formatOctets,
  formatPrivateKeyUsagePeriod,
  formatSct,
  formatSmimeCapabilities,
  formatTemplateInformation,
  formatText,
} from './extension-vendor.ts';
import { generalNameLines, indent, sanEntry } from './general-names.ts';
import { extensionName } from './oids.ts';

export type { ExtensionFacts } from './extension-values.ts';
export { extensionName } from './oids.ts';

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

/** The key usage bits in order: the flag the engine reads and Windows' labels. */
export const KEY_USAGE_BITS: readonly { flag: string; labels: string[] }[] = [
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
