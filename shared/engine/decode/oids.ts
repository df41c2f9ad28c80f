// The one table of object identifiers: the ones the engine reads (OID), and the friendly names
// Windows uses for those a certificate carries. Where Windows has no name, callers fall back to
// the dotted OID, as Windows does.

/** The extensions and purposes path building, AIA, revocation and the rules read, by name. */
export const OID = {
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyId: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** Extensions a path validator must understand before it may accept them as critical. */
export const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.subjectKeyId, OID.keyUsage, OID.subjectAltName, OID.issuerAltName, OID.basicConstraints,
  OID.nameConstraints, OID.crlDistributionPoints, OID.certificatePolicies, OID.policyMappings,
  OID.authorityKeyId, OID.policyConstraints, OID.extKeyUsage, OID.freshestCrl, OID.inhibitAnyPolicy,
  OID.authorityInfoAccess,
]);

/** Extensions path building and validation read: a malformed one makes the certificate unusable. */
export const PATH_EXTENSIONS = new Set<string>([
  OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName, OID.nameConstraints, OID.authorityKeyId, OID.subjectKeyId,
]);


/** Signature algorithms, as Windows' certificate dialog names them. */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2RSA',
  '1.2.840.113549.1.1.3': 'md4RSA',
  '1.2.840.113549.1.1.4': 'md5RSA',
  '1.2.840.113549.1.1.5': 'sha1RSA',
  '1.3.14.3.2.29': 'sha1RSA',
  '1.3.14.3.2.3': 'md5RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256RSA',
  '1.2.840.113549.1.1.12': 'sha384RSA',
  '1.2.840.113549.1.1.13': 'sha512RSA',
  '1.2.840.10045.4.1': 'sha1ECDSA',
  '1.2.840.10045.4.3': 'specifiedECDSA',
  '1.2.840.10045.4.3.2': 'sha256ECDSA',
  '1.2.840.10045.4.3.3': 'sha384ECDSA',
  '1.2.840.10045.4.3.4': 'sha512ECDSA',
  '1.2.840.10040.4.3': 'sha1DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_DSA = '1.2.840.10040.4.1';
export const OID_ED25519 = '1.3.101.112';
export const OID_ED448 = '1.3.101.113';

/** Named elliptic curves: the name admins know and the key size in bits. */
export const NAMED_CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

/** Distinguished-name attribute keys, as CertNameToStr (X500 string) writes them. Others print as OID.x.y.z. */
export const NAME_ATTRIBUTE_KEYS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.13': 'Description',
  '2.5.4.17': 'PostalCode',
  '2.5.4.18': 'POBox',
  '2.5.4.20': 'Phone',
  '2.5.4.24': 'X21Address',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.46': 'dnQualifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
};

export const OID_COMMON_NAME = '2.5.4.3';

/** Extension names as Windows' certificate dialog lists them. */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.14': 'Subject Key Identifier',
  '2.5.29.15': 'Key Usage',
  '2.5.29.16': 'Private Key Usage Period',
  '2.5.29.17': 'Subject Alternative Name',
  '2.5.29.18': 'Issuer Alternative Name',
  '2.5.29.19': 'Basic Constraints',
  '2.5.29.30': 'Name Constraints',
  '2.5.29.31': 'CRL Distribution Points',
  '2.5.29.32': 'Certificate Policies',
  '2.5.29.33': 'Policy Mappings',
  '2.5.29.35': 'Authority Key Identifier',
  '2.5.29.36': 'Policy Constraints',
  '2.5.29.37': 'Enhanced Key Usage',
  '2.5.29.46': 'Freshest CRL',
  '1.3.6.1.5.5.7.1.1': 'Authority Information Access',
  '1.3.6.1.5.5.7.1.11': 'Subject Information Access',
  '1.3.6.1.5.5.7.48.1.5': 'OCSP No Revocation Checking',
  '1.3.6.1.4.1.11129.2.4.2': 'SCT List',
  '1.3.6.1.4.1.311.20.2': 'Certificate Template Name',
  '1.3.6.1.4.1.311.21.1': 'CA Version',
  '1.3.6.1.4.1.311.21.2': 'Previous CA Certificate Hash',
  '1.3.6.1.4.1.311.21.7': 'Certificate Template Information',
  '1.3.6.1.4.1.311.21.10': 'Application Policies',
  '1.3.6.1.4.1.311.21.11': 'Application Policy Mappings',
  '1.3.6.1.4.1.311.21.12': 'Application Policy Constraints',
  '1.2.840.113549.1.9.15': 'SMIME Capabilities',
  '2.16.840.1.113730.1.1': 'Netscape Cert Type',
  '2.16.840.1.113730.1.13': 'Netscape Comment',
};

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] ?? oid;
}

/** Enhanced key usage (application policy) purposes, as Windows names them. */
export const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'Secure Email',
  '1.3.6.1.5.5.7.3.5': 'IP security end system',
  '1.3.6.1.5.5.7.3.6': 'IP security tunnel termination',
  '1.3.6.1.5.5.7.3.7': 'IP security user',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.5.5.8.2.2': 'IP security IKE intermediate',
  '1.3.6.1.5.2.3.5': 'KDC Authentication',
  '2.5.29.37.0': 'Any Purpose',
  '1.3.6.1.4.1.311.10.3.1': 'Microsoft Trust List Signing',
  '1.3.6.1.4.1.311.10.3.2': 'Microsoft Time Stamping',
  '1.3.6.1.4.1.311.10.3.3': 'Microsoft Server Gated Crypto',
  '1.3.6.1.4.1.311.10.3.4': 'Encrypting File System',
  '1.3.6.1.4.1.311.10.3.4.1': 'File Recovery',
  '1.3.6.1.4.1.311.10.3.5': 'Windows Hardware Driver Verification',
  '1.3.6.1.4.1.311.10.3.6': 'Windows System Component Verification',
  '1.3.6.1.4.1.311.10.3.7': 'OEM Windows System Component Verification',
  '1.3.6.1.4.1.311.10.3.8': 'Embedded Windows System Component Verification',
  '1.3.6.1.4.1.311.10.3.9': 'Root List Signer',
  '1.3.6.1.4.1.311.10.3.10': 'Qualified Subordination',
  '1.3.6.1.4.1.311.10.3.11': 'Key Recovery',
  '1.3.6.1.4.1.311.10.3.12': 'Document Signing',
  '1.3.6.1.4.1.311.10.3.13': 'Lifetime Signing',
  '1.3.6.1.4.1.311.10.5.1': 'Digital Rights',
  '1.3.6.1.4.1.311.10.6.1': 'Key Pack Licenses',
  '1.3.6.1.4.1.311.10.6.2': 'License Server Verification',
  '1.3.6.1.4.1.311.20.2.1': 'Certificate Request Agent',
  '1.3.6.1.4.1.311.20.2.2': 'Smart Card Logon',
  '1.3.6.1.4.1.311.21.5': 'Private Key Archival',
  '1.3.6.1.4.1.311.21.6': 'Key Recovery Agent',
  '1.3.6.1.4.1.311.21.19': 'Directory Service Email Replication',
  '1.3.6.1.4.1.311.54.1.2': 'Remote Desktop Authentication',
  '1.3.6.1.4.1.311.80.1': 'Document Encryption',
  '2.16.840.1.113730.4.1': 'Netscape Server Gated Crypto',
};

/** Certificate policy identifiers Windows names; the rest show as OIDs. */
export const POLICY_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.32.0': 'All Issuance Policies',
};

export const OID_AIA_OCSP = '1.3.6.1.5.5.7.48.1';
export const OID_AIA_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

export const ACCESS_METHOD_NAMES: Readonly<Record<string, string>> = {
  [OID_AIA_OCSP]: 'On-line Certificate Status Protocol',
  [OID_AIA_CA_ISSUERS]: 'Certification Authority Issuer',
};

export const OID_CPS_QUALIFIER = '1.3.6.1.5.5.7.2.1';
export const OID_USER_NOTICE_QUALIFIER = '1.3.6.1.5.5.7.2.2';

/** otherName types in alternative names. */
export const OTHER_NAME_LABELS: Readonly<Record<string, string>> = {
  '1.3.6.1.4.1.311.20.2.3': 'Principal Name',
  '1.3.6.1.4.1.311.25.1': 'DS Object Guid',
};

