// Distinguished names written the way Windows writes them (CertNameToStr with CERT_X500_NAME_STR and
// CERT_NAME_STR_REVERSE_FLAG, which is what X509Certificate2.Subject shows):
// most-specific RDN first, "S=" for state, "E=" for e-mail, "OID.x.y=" for names Windows does not know.
import type { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { asn1Text, parseDer } from './der.ts';
import { NAME_ATTRIBUTE_KEYS, OID_COMMON_NAME } from './oids.ts';
import { hex } from '../../bytes.ts';

/** The text of an attribute value; values that are not strings print as "#" and their DER in hex. */
export function attributeValueText(value: AttributeValue): string {
  const text =
    value.utf8String ??
    value.printableString ??
    value.ia5String ??
    value.bmpString ??
    value.teletexString ??
    value.universalString;
  if (text !== undefined) return text;
  if (value.anyValue) {
    // Types the schema does not list (NumericString, VisibleString ...) are still strings.
    try {
      const asText = asn1Text(parseDer(value.anyValue));
      if (asText !== null) return asText;
    } catch {
      // fall through to hex
    }
    return `#${hex(value.anyValue).toUpperCase()}`;
  }
  return '';
}

export function attributeKey(oid: string): string {
  return NAME_ATTRIBUTE_KEYS[oid] ?? `OID.${oid}`;
}

/** Windows quotes a value that is empty, has leading/trailing spaces or one of , + = " \n < > # ; */
export function quoteNameValue(text: string): string {
  const needsQuotes = text === '' || /^\s|\s$/.test(text) || /[,+="\r\n<>#;]/.test(text);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatAttribute(attribute: AttributeTypeAndValue): string {
  return `${attributeKey(attribute.type)}=${quoteNameValue(attributeValueText(attribute.value))}`;
}

/** The RDNs of a name, most-specific first, each as "KEY=value" (multi-valued RDNs joined with " + "). */
export function nameParts(name: readonly RelativeDistinguishedName[]): string[] {
  const parts: string[] = [];
  for (let i = name.length - 1; i >= 0; i--) parts.push(name[i].map(formatAttribute).join(' + '));
  return parts;
}

/** "CN=sip.contoso.com, OU=IT, O=Contoso, L=Redmond, S=WA, C=US" */
export function formatName(name: Name): string {
  return nameParts(name).join(', ');
}

/** The first common name in certificate (DER) order, as Windows' GetNameInfo(SimpleName) would pick it. */
export function firstCommonName(name: Name): string | null {
  for (const rdn of name) {
    for (const attribute of rdn) {
      if (attribute.type === OID_COMMON_NAME) return attributeValueText(attribute.value);
    }
  }
  return null;
}
