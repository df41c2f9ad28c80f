// Dates: is the certificate (and every CA certificate on its chain) inside its validity period?
import type { Rule } from './types.ts';
import { DAY_MS, certKey, describe, formatDate, parseDate, pathCertificates, plural, usableLeaf, wholeDays, type PathCert } from './facts.ts';

/** Renewal warnings: warning inside this many days, info inside the longer window. */
export const EXPIRY_WARNING_DAYS = 30;
export const EXPIRY_NOTICE_DAYS = 90;

const SHRINKING_LIFETIMES =
  'Public certificate lifetimes are shrinking (at most 200 days from March 2026, 100 from March 2027, 47 from March 2029), so automate or diarise renewals.';

export const expiredRule: Rule = {
  id: 'expired',
  severity: 'error',
  description: "The server certificate's Not After date is in the past.",
  check({ result, now }) {
    const leaf = usableLeaf(result);
    const notAfter = leaf && parseDate(leaf.notAfter);
    if (!notAfter || notAfter.getTime() >= now.getTime()) return [];
    const ago = wholeDays(now.getTime() - notAfter.getTime());
    return [
      {
        id: 'expired',
        severity: 'error',
        text:
          `The certificate expired on ${formatDate(notAfter)} (${ago === 0 ? 'today' : `${plural(ago, 'day')} ago`}). ` +
          'Clients, phones and federation partners refuse it. Renew it with the issuing CA, assign the new certificate on every server that presents it ' +
          '(Skype for Business: Deployment Wizard or Set-CsCertificate; SBC: its certificate page) and restart the services.',
      },
    ];
  },
};

export const notYetValidRule: Rule = {
  id: 'not-yet-valid',
  severity: 'error',
  description: "The server certificate's Not Before date is in the future.",
  check({ result, now }) {
    const leaf = usableLeaf(result);
    const notBefore = leaf && parseDate(leaf.notBefore);
    if (!notBefore || notBefore.getTime() <= now.getTime()) return [];
    const ahead = notBefore.getTime() - now.getTime();
    const when = ahead < DAY_MS ? 'less than a day from now' : `${plural(wholeDays(ahead), 'day')} from now`;
    return [
      {
        id: 'not-yet-valid',
        severity: 'error',
        text:
          `The certificate is not valid before ${notBefore.toISOString().replace('.000Z', 'Z')} (${when}), so it is refused until then. ` +
          "Check the server's clock and time zone (and this computer's): a clock that runs behind makes a new certificate look not yet valid. " +
          'If the clocks are right, wait until that time or reissue the certificate.',
      },
    ];
  },
};

export const expiresSoonRule: Rule = {
  id: 'expires-soon',
  severity: 'varies',
  description: `The server certificate expires within ${EXPIRY_NOTICE_DAYS} days (warning within ${EXPIRY_WARNING_DAYS}).`,
  check({ result, now }) {
    const leaf = usableLeaf(result);
    const notAfter = leaf && parseDate(leaf.notAfter);
    if (!notAfter) return [];
    const left = notAfter.getTime() - now.getTime();
    if (left < 0 || left > EXPIRY_NOTICE_DAYS * DAY_MS) return [];
    const days = wholeDays(left);
    const urgent = left <= EXPIRY_WARNING_DAYS * DAY_MS;
    const leftText = days === 0 ? 'less than a day left' : `${plural(days, 'day')} left`;
    return [
      {
        id: 'expires-soon',
        severity: urgent ? 'warning' : 'info',
        text:
          `The certificate expires on ${formatDate(notAfter)} (${leftText}). ` +
          (urgent
            ? 'Renew it now and assign the new certificate on every pool member, Edge server and SBC that presents it before that date: an expired certificate stops sign-in and federation. '
            : 'Plan the renewal, and remember every pool member, Edge server and SBC that presents it. ') +
          SHRINKING_LIFETIMES,
      },
    ];
  },
};

export const expiredIntermediateRule: Rule = {
  id: 'expired-intermediate',
  severity: 'error',
  description: 'An intermediate or root certificate on the chain, or a CA certificate the server sends, has expired.',
  check({ result, now }) {
    if (!usableLeaf(result)) return [];
    const expired = expiredCaCertificates(result, now);
    if (expired.length === 0) return [];
    const list = expired.map((pc) => describe(pc, `expired ${formatDate(parseDate(pc.cert.notAfter)!)}, ${pc.sent ? 'sent by the server' : 'not sent by the server'}`));
    const anySent = expired.some((pc) => pc.sent);
    return [
      {
        id: 'expired-intermediate',
        severity: 'error',
        text:
          `Expired CA certificate in the chain: ${list.join('; ')}. ` +
          'Newer clients may find another path, but older stacks (Lync Phone Edition, SBCs, partner Edge servers) follow the expired certificate and fail, ' +
          'as happened when AddTrust External CA Root expired in May 2020 and DST Root CA X3 in September 2021. ' +
          (anySent
            ? 'Remove the expired certificate from the chain the server sends and install the current intermediate from your CA (on Windows: delete it from the Intermediate Certification Authorities store of the computer and restart the services).'
            : 'Update the trust store or intermediate certificates on the clients and servers that build this chain.'),
      },
    ];
  },
};

/**
 * The path's certificates plus the parseable ones the server sends off the path (a client may try
 * them: a stale cross-certificate is exactly that case), leaf first, each once.
 */
function pathAndServedCertificates(result: Parameters<typeof pathCertificates>[0]): PathCert[] {
  const candidates = pathCertificates(result);
  const seen = new Set(candidates.map((pc) => certKey(pc.cert)));
  for (const cert of result.served) {
    if (cert.parseError || seen.has(certKey(cert))) continue;
    seen.add(certKey(cert));
    candidates.push({ cert, sent: true, role: cert.selfIssued ? 'root' : 'intermediate' });
  }
  return candidates;
}

/**
 * CA certificates past their Not After date: those on the path, plus CA certificates the server sends
 * even when they are not on the path (a stale cross-certificate is exactly that case).
 */
export function expiredCaCertificates(result: Parameters<typeof pathCertificates>[0], now: Date): PathCert[] {
  const onPath = new Set(pathCertificates(result).map((pc) => certKey(pc.cert)));
  const leafKey = certKey(result.served[0]);
  return pathAndServedCertificates(result).filter((pc) => {
    if (certKey(pc.cert) === leafKey) return false;
    if (!onPath.has(certKey(pc.cert)) && !pc.cert.isCA && !pc.cert.selfIssued) return false;
    const notAfter = parseDate(pc.cert.notAfter);
    return notAfter !== null && notAfter.getTime() < now.getTime();
  });
}

export const invalidValidityDateRule: Rule = {
  id: 'invalid-validity-date',
  severity: 'error',
  description: 'A certificate on the chain (or one the server sends) has a Not Before or Not After date that is not a valid RFC 5280 time.',
  check({ result }) {
    if (!usableLeaf(result)) return [];
    return pathAndServedCertificates(result)
      .filter((pc) => pc.cert.invalidDates?.length)
      .map((pc) => ({
        id: 'invalid-validity-date',
        severity: 'error' as const,
        text:
          `${describe(pc)}: ${pc.cert.invalidDates!.map((d) => d.text.replace(/\.$/, '')).join('; ')}. ` +
          'Clients reject such a certificate (OpenSSL: "format error in certificate\'s notBefore field"), so it is not trusted here either, and no date is shown for a field that names none. ' +
          'The CA that issued it wrote a broken certificate: ask it to reissue the certificate, then assign the new one on the server.',
      }));
  },
};

export const VALIDITY_RULES: readonly Rule[] = [invalidValidityDateRule, expiredRule, notYetValidRule, expiresSoonRule, expiredIntermediateRule];
