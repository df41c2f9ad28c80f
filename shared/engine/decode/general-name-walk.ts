// Subject Alternative Names and Name Constraints for path validation, walked straight from the
// extension's bytes: pkijs builds and schema-checks an object tree per GeneralName, which for a
// certificate of thousands of names (x509-limbo pathological::nc-dos-*) cost most of a second.
import { childrenOf, readTlv, type Tlv } from '../revocation/der-reader.ts';
import { parseName } from '../chain/names.ts';
import type { GeneralNameValue, UnreadNameForm } from './path-facts.ts';

const TAG_SEQUENCE = 0x30;
/** GeneralName choices as context tags (RFC 5280 4.2.1.6): [1] [2] [6] [7] primitive, [4] explicit Name. */
const STRING_FORMS: Record<number, 'email' | 'dns' | 'uri'> = { 0x81: 'email', 0x82: 'dns', 0x86: 'uri' };
const TAG_IP = 0x87;
const TAG_DIRECTORY_NAME = 0xa4;
const UNREAD_FORMS: Record<number, UnreadNameForm> = { 0xa0: 'otherName', 0xa3: 'x400Address', 0xa5: 'ediPartyName', 0x88: 'registeredID' };
const TAG_PERMITTED = 0xa0;
const TAG_EXCLUDED = 0xa1;

/** The whole extnValue as one SEQUENCE; throws when it is not. */
function outerSequence(der: Uint8Array): Tlv {
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== TAG_SEQUENCE || outer.end !== der.length) throw new Error('not a DER SEQUENCE');
  return outer;
}

function generalName(der: Uint8Array, tlv: Tlv): GeneralNameValue {
  const stringForm = STRING_FORMS[tlv.tag];
  if (stringForm) return { type: stringForm, value: Buffer.from(der.subarray(tlv.contentStart, tlv.end)).toString('latin1') };
  if (tlv.tag === TAG_IP) return { type: 'ip', bytes: der.slice(tlv.contentStart, tlv.end) };
  if (tlv.tag === TAG_DIRECTORY_NAME) {
    const [name, ...rest] = childrenOf(der, tlv);
    if (!name || rest.length > 0) throw new Error('malformed directoryName');
    return { type: 'dn', name: parseName(der.subarray(name.start, name.end)) };
  }
  const form = UNREAD_FORMS[tlv.tag];
  if (!form) throw new Error('unknown GeneralName choice');
  return { type: 'other', form };
}

/** SubjectAltName ::= GeneralNames (SEQUENCE SIZE (1..MAX) OF GeneralName); throws when malformed or empty. */
export function readSubjectAltNames(extnValue: Uint8Array): GeneralNameValue[] {
  const names = childrenOf(extnValue, outerSequence(extnValue)).map((tlv) => generalName(extnValue, tlv));
  if (names.length === 0) throw new Error('empty GeneralNames');
  return names;
}

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] ... };
 * GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }. Throws when malformed.
 * A list that is absent is null; one that is present but empty is [] (RFC 5280 forbids it: the caller decides).
 */
export function readNameConstraints(extnValue: Uint8Array): { permitted: GeneralNameValue[] | null; excluded: GeneralNameValue[] | null } {
  const parts = childrenOf(extnValue, outerSequence(extnValue));
  const subtrees = (tag: number): GeneralNameValue[] | null => {
    const list = parts.find((part) => part.tag === tag);
    if (!list) return null;
    return childrenOf(extnValue, list).map((subtree) => {
      if (subtree.tag !== TAG_SEQUENCE) throw new Error('GeneralSubtree is not a SEQUENCE');
      const [base] = childrenOf(extnValue, subtree);
      if (!base) throw new Error('GeneralSubtree without a base');
      return generalName(extnValue, base);
    });
  };
  if (parts.some((part) => part.tag !== TAG_PERMITTED && part.tag !== TAG_EXCLUDED)) throw new Error('unexpected field in NameConstraints');
  return { permitted: subtrees(TAG_PERMITTED), excluded: subtrees(TAG_EXCLUDED) };
}
