// Microsoft, Netscape and other less common extensions, as Windows' certificate dialog writes them.
import { AsnParser } from '@peculiar/asn1-schema';
import { PrivateKeyUsagePeriod } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { asn1Text, parseDer, spacedHex } from './der.ts';
import { bitIsSet, type Formatted } from './extension-values.ts';
import { indent } from './general-names.ts';
import { formatSctList } from './sct.ts';
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

export function formatNetscapeCertType(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.BitString)) throw new Error('not a BIT STRING');
  const bits = node.valueBlock.valueHexView;
  const labels = NETSCAPE_CERT_TYPE_LABELS.filter((label, bit) => label && bitIsSet(bits, bit));
  return { data: `${labels.join(', ')} (${spacedHex(bits.subarray(0, 1))})`.trimStart() };
}

export function formatPrivateKeyUsagePeriod(value: Uint8Array): Formatted {
  const period = AsnParser.parse(value, PrivateKeyUsagePeriod);
  const lines: string[] = [];
  if (period.notBefore) lines.push(`Not Before=${period.notBefore.toISOString()}`);
  if (period.notAfter) lines.push(`Not After=${period.notAfter.toISOString()}`);
  return { data: lines.join('\n') };
}

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

export function formatTemplateInformation(value: Uint8Array): Formatted {
  const [template, major, minor] = sequenceItems(parseDer(value));
  const lines = [`Template=${oidValue(template)}`, `Major Version Number=${integerValue(major)}`];
  if (minor !== undefined) lines.push(`Minor Version Number=${integerValue(minor)}`);
  return { data: lines.join('\n') };
}

export function formatText(value: Uint8Array): Formatted {
  const text = asn1Text(parseDer(value));
  if (text === null) throw new Error('not a string');
  return { data: text };
}

/** CA Version: the low 16 bits count certificate renewals, the high 16 bits key renewals. */
export function formatCaVersion(value: Uint8Array): Formatted {
  const version = integerValue(parseDer(value));
  return { data: `V${version & 0xffff}.${Math.floor(version / 0x10000) & 0xffff}` };
}

export function formatOctets(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.OctetString)) throw new Error('not an OCTET STRING');
  return { data: spacedHex(node.valueBlock.valueHexView) };
}

export function formatSmimeCapabilities(value: Uint8Array): Formatted {
  const lines = sequenceItems(parseDer(value)).flatMap((capability, i) => {
    const [oid, parameters] = sequenceItems(capability);
    const out = [`[${i + 1}]SMIME Capability`, `${indent(1)}Object ID=${oidValue(oid)}`];
    if (parameters) out.push(`${indent(1)}Parameters=${spacedHex(parameters.valueBeforeDecodeView)}`);
    return out;
  });
  return { data: lines.join('\n') };
}

export function formatSct(value: Uint8Array): Formatted {
  const node = parseDer(value);
  if (!(node instanceof asn1js.OctetString)) throw new Error('not an OCTET STRING');
  return { data: formatSctList(node.valueBlock.valueHexView) };
}

