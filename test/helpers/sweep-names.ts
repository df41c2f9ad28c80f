// The names a sweep of a SIP domain must list, in order, written out (not derived from the code under test).
export function expectedSweepNames(domain: string): string[] {
  return [
    `_sipfederationtls._tcp.${domain}`,
    `_sip._tls.${domain}`,
    `_sipinternaltls._tcp.${domain}`,
    ...['sip', 'sipexternal', 'lyncdiscover', 'lyncdiscoverinternal', 'meet', 'dialin', 'webext'].map((prefix) => `${prefix}.${domain}`),
  ];
}
