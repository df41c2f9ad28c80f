// Enhanced key usage and the policy extensions, as Windows' certificate dialog writes them.
import { AsnParser } from '@peculiar/asn1-schema';
import { CertificatePolicies, ExtendedKeyUsage, PolicyConstraints, PolicyMappings, UserNotice } from '@peculiar/asn1-x509';
import { toBytes } from '../../bytes.ts';
import { asn1Text, parseDer, spacedHex } from './der.ts';
import { parseList, type Formatted } from './extension-values.ts';
import { indent } from './general-names.ts';
import { EKU_NAMES, OID_CPS_QUALIFIER, OID_USER_NOTICE_QUALIFIER, POLICY_NAMES } from './oids.ts';
// ---- Usages and policies ---------------------------------------------------------------------

function ekuLine(oid: string): string {
  return `${EKU_NAMES[oid] ?? 'Unknown Key Usage'} (${oid})`;
}

export function formatEnhancedKeyUsage(value: Uint8Array): Formatted {
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
export function formatPolicies(value: Uint8Array, heading: string, policyName: (oid: string) => string): Formatted {
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

export function formatCertificatePolicies(value: Uint8Array): Formatted {
  return formatPolicies(value, 'Certificate Policy', (oid) => POLICY_NAMES[oid] ?? oid);
}

export function formatApplicationPolicies(value: Uint8Array): Formatted {
  return formatPolicies(value, 'Application Certificate Policy', (oid) => EKU_NAMES[oid] ?? oid);
}

export function formatPolicyMappings(value: Uint8Array): Formatted {
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

export function formatPolicyConstraints(value: Uint8Array): Formatted {
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

