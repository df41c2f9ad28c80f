// GeneralName (alternative names, access locations, distribution points) as Windows writes them:
// "DNS Name=...", "IP Address=...", "RFC822 Name=...", "URL=...", "Directory Address:" and so on.
import type { GeneralName } from '@peculiar/asn1-x509';
import type { SanEntry } from '../../types.ts';
import { asn1Text, parseDer, spacedHex } from './der.ts';
import { nameParts, formatName } from './names.ts';
import { OTHER_NAME_LABELS } from './oids.ts';

/** Windows indents each nesting level of a multi-line extension by five spaces. */
export function indent(level: number): string {
  return '     '.repeat(level);
}

function otherNameValue(value: ArrayBuffer): string {
  try {
    const text = asn1Text(parseDer(value));
    if (text !== null) return text;
  } catch {
    // not a string: hex below
  }
  return spacedHex(value);
}

/** The lines of one general name at the given indent level (a directory name spans several lines). */
export function generalNameLines(name: GeneralName, level: number, withMask = false): string[] {
  const pad = indent(level);
  if (name.dNSName !== undefined) return [`${pad}DNS Name=${name.dNSName}`];
  if (name.iPAddress !== undefined) {
    const slash = name.iPAddress.indexOf('/');
    if (withMask && slash > 0) {
      const address = name.iPAddress.slice(0, slash);
      const prefix = Number(name.iPAddress.slice(slash + 1));
      return [`${pad}IP Address=${address}`, `${pad}Mask=${prefixToMask(prefix, address.includes(':'))}`];
    }
    return [`${pad}IP Address=${name.iPAddress}`];
  }
  if (name.rfc822Name !== undefined) return [`${pad}RFC822 Name=${name.rfc822Name}`];
  if (name.uniformResourceIdentifier !== undefined) return [`${pad}URL=${name.uniformResourceIdentifier}`];
  if (name.directoryName !== undefined) {
    return [`${pad}Directory Address:`, ...nameParts(name.directoryName).map((part) => `${indent(level + 1)}${part}`)];
  }
  if (name.otherName !== undefined) {
    const label = OTHER_NAME_LABELS[name.otherName.typeId] ?? name.otherName.typeId;
    return [`${pad}Other Name:`, `${indent(level + 1)}${label}=${otherNameValue(name.otherName.value)}`];
  }
  if (name.registeredID !== undefined) return [`${pad}Registered ID=${name.registeredID}`];
  if (name.x400Address !== undefined) return [`${pad}X400 Address=${spacedHex(name.x400Address)}`];
  if (name.ediPartyName !== undefined) return [`${pad}EDI Party Name=${name.ediPartyName.partyName.toString()}`];
  return [`${pad}Unknown Name`];
}

/** A typed SAN entry for the comment rules and the UI. */
export function sanEntry(name: GeneralName): SanEntry {
  if (name.dNSName !== undefined) return { type: 'dns', value: name.dNSName };
  if (name.iPAddress !== undefined) return { type: 'ip', value: name.iPAddress };
  if (name.rfc822Name !== undefined) return { type: 'email', value: name.rfc822Name };
  if (name.uniformResourceIdentifier !== undefined) return { type: 'uri', value: name.uniformResourceIdentifier };
  if (name.directoryName !== undefined) return { type: 'other', value: `Directory Address=${formatName(name.directoryName)}` };
  // Everything else as its one-line Windows text, e.g. "Principal Name=user@contoso.com".
  const lines = generalNameLines(name, 0);
  return { type: 'other', value: lines.length > 1 ? lines[1].trim() : lines[0] };
}

function prefixToMask(prefix: number, v6: boolean): string {
  const bytes = new Uint8Array(v6 ? 16 : 4);
  let remaining = Number.isFinite(prefix) ? prefix : 0;
  for (let i = 0; i < bytes.length && remaining > 0; i++) {
    const bits = Math.min(8, remaining);
    bytes[i] = (0xff << (8 - bits)) & 0xff;
    remaining -= bits;
  }
  if (!v6) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
