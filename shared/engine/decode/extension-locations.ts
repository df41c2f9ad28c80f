// Where revocation data and issuers live (CRL distribution points, AIA, SIA), as Windows writes them.
import { AuthorityInfoAccessSyntax, CRLDistributionPoints, type DistributionPoint } from '@peculiar/asn1-x509';
import { toBytes } from '../../bytes.ts';
import { spacedHex } from './der.ts';
import { bitIsSet, parseList, type Formatted } from './extension-values.ts';
import { generalNameLines, indent } from './general-names.ts';
import { nameParts } from './names.ts';
import { ACCESS_METHOD_NAMES, OID_AIA_CA_ISSUERS, OID_AIA_OCSP } from './oids.ts';
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

export function formatCrlDistributionPoints(value: Uint8Array): Formatted {
  const points = parseList(value, CRLDistributionPoints);
  return {
    data: points.flatMap((point, i) => distributionPointLines(point, i + 1)).join('\n'),
    facts: { crlUrls: distributionPointUrls(points) },
  };
}

export function formatFreshestCrl(value: Uint8Array): Formatted {
  const points = parseList(value, CRLDistributionPoints);
  return { data: points.flatMap((point, i) => distributionPointLines(point, i + 1)).join('\n') };
}

function accessMethodText(oid: string): string {
  return `${ACCESS_METHOD_NAMES[oid] ?? 'Unknown Access Method'} (${oid})`;
}

export function formatAccessDescriptions(value: Uint8Array, heading: string): Formatted {
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

export function formatAuthorityInfoAccess(value: Uint8Array): Formatted {
  return formatAccessDescriptions(value, 'Authority Info Access');
}

export function formatSubjectInfoAccess(value: Uint8Array): Formatted {
  return { data: formatAccessDescriptions(value, 'Subject Info Access').data };
}

