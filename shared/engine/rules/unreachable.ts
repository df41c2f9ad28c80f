// What to try when an endpoint gave no certificate: one sentence per error code, read together with the
// error's own message (which says what happened), so the two never say the same thing twice.
import type { EndpointResult, ErrorCode } from '../../types.ts';

type Advice = (result: EndpointResult) => string;

/** The DNS name the failed lookup asked for: the SRV record for SRV types, else the host. */
function recordName(result: EndpointResult): string {
  return result.srv && !result.srvRecord ? result.srv : result.host;
}

const ADVICE: Record<ErrorCode, Advice> = {
  DNS_NXDOMAIN: (r) =>
    `Check the spelling of ${recordName(r)} and that the record is published in the zone the resolver reads: a name that exists only in internal DNS cannot be found from outside, and the reverse.`,
  DNS_NODATA: (r) => `The name ${recordName(r)} exists but has no record of the type asked for: publish it (A or AAAA for a host, SRV for a SIP domain), or check its type.`,
  DNS_TIMEOUT: () => 'Check that the DNS server is reachable from this machine (UDP and TCP port 53), or test with another DNS server.',
  DNS_REFUSED: () => 'The DNS server may not answer (recurse) for this machine or this zone: use a resolver that does, or ask its owner.',
  DNS_SERVFAIL: (r) => `The zone of ${recordName(r)} may have a broken delegation or DNSSEC signature: test with another DNS server, and tell the zone's owner.`,
  DNS_ERROR: () => 'Test again, or with another DNS server.',
  CONNECT_REFUSED: () => 'Check that the service is running and listening on this port, and that no firewall (Windows Firewall on the server, or one on the way) rejects it.',
  CONNECT_TIMEOUT: () => 'Check that the host is up and that the firewalls between this machine and the server let this port through: a dropped packet looks like this.',
  CONNECT_UNREACHABLE: () => 'Check the address, and the network, VPN or route from this machine to it.',
  CONNECTION_RESET: () =>
    'Check that this is the TLS port, and whether the server (an SBC or Edge allow-list) or a firewall or IPS on the way refuses connections from this address.',
  HANDSHAKE_TIMEOUT: () =>
    'A listener that never starts TLS is usually a load balancer with no healthy server behind it, a port that expects STARTTLS or plain SIP first (SIP over TCP is 5060, over TLS 5061), or the wrong port.',
  TLS_ALERT: () =>
    'The alert names the reason: a server that demands a client certificate, or one that shares no protocol version or cipher suite with current clients, refuses the handshake like this.',
  NOT_TLS: (r) =>
    /plain HTTP/.test(r.error?.message ?? '')
      ? 'This port serves plain HTTP: test the HTTPS port (usually 443), or enable TLS on this one.'
      : 'Check the port number (SIP over TLS is usually 5061, HTTPS 443), or enable TLS on this port.',
  PROTOCOL_ERROR: () => 'Check that this is the TLS port, and test from another network in case a device on the way alters the traffic.',
  NO_CERTIFICATE: () => 'Assign a certificate to the service on this port (the service or IIS binding, or netsh http sslcert on Windows).',
  SSL2_ONLY: () => 'Enable TLS 1.2 on this server, or replace it: no current client can connect.',
  CANCELLED: () => 'The check was cancelled before it finished: run it again.',
  TLS_LIBRARY_REFUSED: () => "This app's TLS library refused the connection for the reason shown: please report it if it persists.",
  INTERNAL: () => 'This is a fault in this tool, not in the server: please report it with the message shown.',
};

/** What to try for this endpoint's error, or null when it has none. */
export function adviceFor(result: EndpointResult): string | null {
  return result.error ? (ADVICE[result.error.code]?.(result) ?? null) : null;
}
