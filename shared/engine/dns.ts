// Stage 2: Target -> the endpoints to test. SRV, A and AAAA lookups through the system resolver or
// a DNS server the admin names (which then answers every lookup of the check, SRV targets included).
// Every lookup is bounded; DNS failures become results, never exceptions.
import dns from 'node:dns';
import net from 'node:net';
import type { CheckError, Endpoint, EndpointCap, SrvRecord, Target } from '../types.ts';
import { checkError } from './errors.ts';
import { SRV_PREFIX, UsageError, parsePort } from './target.ts';
import { createLimiter, type Limiter } from './limiter.ts';

export interface DnsOptions {
  /** "IP", "IP:port" or "[IPv6]:port"; null for the system resolver. */
  dnsServer: string | null;
  testPool: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Endpoints one target may expand to; default DEFAULT_MAX_ENDPOINTS_PER_TARGET. */
  maxEndpoints?: number;
  /** The run's concurrency limit: each query takes a slot, so SRV targets resolve in parallel within it. */
  limit?: Limiter;
}

/** A target that DNS could not turn into an address: reported as an endpoint result with an error. */
export interface DnsFailure {
  host: string;
  port: number | null;
  srv: string | null;
  srvRecord: SrvRecord | null;
  error: CheckError;
}

export type PlannedCheck = { kind: 'endpoint'; endpoint: Endpoint } | { kind: 'failure'; failure: DnsFailure };

export interface DnsResolution {
  /** The SRV record name queried, or null for DIR. */
  srvName: string | null;
  /** SRV answers in the order tested (RFC 2782: priority, then weight). */
  srvRecords: SrvRecord[];
  /** Endpoints and failures in test order. */
  checks: PlannedCheck[];
  /** Set when DNS named more endpoints than the cap: how many, and how many are tested. */
  endpointCap: EndpointCap | null;
}

/** Validate the DNS Server field: an IPv4 or IPv6 address with an optional port. Returns the form Node's resolver takes. */
/** The DNS server's port: a bad one is the DNS server field's fault, not the target's port field. */
function dnsServerPort(value: string, port: string): number {
  try {
    return parsePort(port);
  } catch {
    throw new UsageError(`Invalid DNS server "${value}": its port ${port} is not a whole number from 1 to 65535.`, 'dns-server');
  }
}

export function parseDnsServer(value: string): string {
  const text = value.trim();
  if (net.isIP(text)) return net.isIPv6(text) ? `[${text}]:53` : `${text}:53`;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed && net.isIPv6(bracketed[1])) return `[${bracketed[1]}]:${dnsServerPort(value, bracketed[2])}`;
  const v4 = /^([\d.]+):(\d+)$/.exec(text);
  if (v4 && net.isIPv4(v4[1])) return `${v4[1]}:${dnsServerPort(value, v4[2])}`;
  throw new UsageError(`Invalid DNS server "${value}": give an IP address, optionally with a port (8.8.8.8, 127.0.0.1:5353, [::1]:53).`, 'dns-server');
}

/** RFC 2782 order: lower priority first; within a priority, heavier weight first (deterministic, so runs compare). */
export function orderSrvRecords(records: SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.target.localeCompare(b.target) || a.port - b.port);
}

const DNS_CODES: Record<string, { code: CheckError['code']; what: string }> = {
  ENOTFOUND: { code: 'DNS_NXDOMAIN', what: 'Non-existent domain' },
  ENODATA: { code: 'DNS_NODATA', what: 'No record of that type' },
  ETIMEOUT: { code: 'DNS_TIMEOUT', what: 'Server Timeout' },
  ECONNREFUSED: { code: 'DNS_TIMEOUT', what: 'The DNS server refused the connection' },
  EREFUSED: { code: 'DNS_REFUSED', what: 'The DNS server refused the query' },
  ESERVFAIL: { code: 'DNS_SERVFAIL', what: 'The DNS server failed (SERVFAIL)' },
};

function dnsError(err: unknown, recordType: string, name: string, server: string): CheckError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const known = DNS_CODES[errno];
  const via = server ? ` (DNS server ${server})` : ' (system resolver)';
  if (known) return checkError(known.code, `DNS Lookup Error: ${known.what}: ${recordType} ${name}${via}.`);
  const detail = err instanceof Error ? err.message : String(err);
  return checkError('DNS_ERROR', `DNS Lookup Error: ${recordType} ${name}${via}: ${detail}`);
}

/** Bound a lookup by the check's timeout and cancel signal, whatever the resolver does. */
function bounded<T>(lookup: Promise<T>, ms: number, signal: AbortSignal | undefined, onGiveUp: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timeout = Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    const timer = setTimeout(() => {
      onGiveUp();
      reject(timeout);
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      onGiveUp();
      reject(Object.assign(new Error('cancelled'), { code: 'ECANCELLED' }));
    };
    signal?.addEventListener('abort', abort, { once: true });
    lookup.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}

/** Default cap on the endpoints one target expands to (SRV targets times pool addresses). */
export const DEFAULT_MAX_ENDPOINTS_PER_TARGET = 64;
/** getaddrinfo calls in flight at once: libuv runs them on its 4-thread pool, which file and crypto work share. */
const SYSTEM_LOOKUP_SLOTS = 2;
const systemLookupSlots = createLimiter(SYSTEM_LOOKUP_SLOTS);
/** Answers that mean "DNS has no such name": only then may the hosts file or NetBIOS still know it. */
const DEFINITELY_ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'ECONNREFUSED']);

/**
 * The lookups one check needs. Every query gets its own c-ares channel, cancelled when the query
 * is given up on: a name whose server never answers then ends with its timeout and leaves nothing
 * running, and cannot delay the names behind it. Without a named server the channel asks the
 * system's DNS servers (Node's default resolver, so dns.setServers() applies); getaddrinfo (hosts
 * file, NetBIOS, search suffixes) is asked only after DNS said the name does not exist, because a
 * getaddrinfo call cannot be cancelled and four stuck ones would block every lookup after them.
 */
class Lookups {
  private readonly server: string;

  constructor(private readonly options: DnsOptions) {
    this.server = options.dnsServer ? parseDnsServer(options.dnsServer) : '';
  }

  private run<T>(ask: (resolver: dns.promises.Resolver) => Promise<T>): Promise<T> {
    const servers = this.server ? [this.server] : dns.getServers();
    if (servers.length === 0) return Promise.reject(Object.assign(new Error('no DNS server configured'), { code: 'ECONNREFUSED' }));
    const resolver = new dns.promises.Resolver({ timeout: Math.max(100, Math.floor(this.options.timeoutMs / 2)), tries: 2 });
    resolver.setServers(servers);
    const task = () => bounded(ask(resolver), this.options.timeoutMs, this.options.signal, () => resolver.cancel());
    return this.options.limit ? this.options.limit(task) : task();
  }

  async srv(name: string): Promise<SrvRecord[] | CheckError> {
    try {
      const answers = await this.run((r) => r.resolveSrv(name));
      return orderSrvRecords(answers.map((a) => ({ name, priority: a.priority, weight: a.weight, port: a.port, target: a.name.toLowerCase().replace(/\.$/, '') })));
    } catch (err) {
      return dnsError(err, 'SRV', name, this.server);
    }
  }

  /** IPv4 then IPv6 addresses of a host name. */
  async addresses(host: string): Promise<string[] | CheckError> {
    const [v4, v6] = await Promise.allSettled([this.run((r) => r.resolve4(host)), this.run((r) => r.resolve6(host))]);
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (found.length > 0) return found;
    const reason = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : Object.assign(new Error('no data'), { code: 'ENODATA' });
    const absent = [v4, v6].every((r) => r.status === 'fulfilled' || DEFINITELY_ABSENT.has((r.reason as NodeJS.ErrnoException)?.code ?? ''));
    if (!this.server && absent) return this.systemAddresses(host);
    return dnsError(reason, 'A', host, this.server);
  }

  /** The system resolver as applications see it (hosts file included), for names DNS does not know. */
  private async systemAddresses(host: string): Promise<string[] | CheckError> {
    // The slot is held until getaddrinfo really returns, however long after the caller gave up on it.
    const answer = new Promise<dns.LookupAddress[]>((resolve, reject) => {
      void systemLookupSlots(() => {
        const lookup = dns.promises.lookup(host, { all: true, order: 'ipv4first' });
        lookup.then(resolve, reject);
        return lookup.catch(() => []);
      });
    });
    try {
      const found = await bounded(answer, this.options.timeoutMs, this.options.signal, () => {});
      return [...new Set(found.map((a) => a.address))];
    } catch (err) {
      return dnsError(err, 'A', host, '');
    }
  }
}

function isError<T>(value: T | CheckError): value is CheckError {
  return !Array.isArray(value);
}

/** Resolve a target into the endpoints to test. Never throws for DNS trouble. */
export async function resolveTarget(target: Target, options: DnsOptions): Promise<DnsResolution> {
  const lookups = new Lookups(options);
  const base = { target: target.input, type: target.type };

  const forHost = async (host: string, port: number, srv: SrvRecord | null): Promise<PlannedCheck[]> => {
    const srvName = srv?.name ?? null;
    const addresses = net.isIP(host) ? [host] : await lookups.addresses(host);
    if (isError(addresses)) {
      const message = srv ? `No Hostname resolved for: ${host} (target of ${srv.name}). ${addresses.message}` : addresses.message;
      return [{ kind: 'failure', failure: { host, port, srv: srvName, srvRecord: srv, error: { ...addresses, message } } }];
    }
    const tested = options.testPool ? addresses : addresses.slice(0, 1);
    return tested.map((ip, index) => ({
      kind: 'endpoint' as const,
      endpoint: { ...base, host, ip, port, poolMember: index > 0, srv: srvName, srvRecord: srv, poolAddresses: addresses },
    }));
  };

  const capped = (checks: PlannedCheck[], srvName: string | null, srvRecords: SrvRecord[]): DnsResolution => {
    const limit = Math.max(1, options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS_PER_TARGET);
    if (checks.length <= limit) return { srvName, srvRecords, checks, endpointCap: null };
    // Test order is priority order, so the cap keeps the servers clients would try first.
    return { srvName, srvRecords, checks: checks.slice(0, limit), endpointCap: { limit, found: checks.length } };
  };

  if (target.type === 'DIR') return capped(await forHost(target.host, target.port ?? 443, null), null, []);

  const srvName = `${SRV_PREFIX[target.type]}${target.host}`;
  const records = await lookups.srv(srvName);
  if (isError(records)) {
    return { srvName, srvRecords: [], checks: [{ kind: 'failure', failure: { host: target.host, port: null, srv: srvName, srvRecord: null, error: records } }], endpointCap: null };
  }
  const usable = records.filter((r) => r.target !== '' && r.port > 0);
  if (usable.length === 0) {
    const error = checkError('DNS_NODATA', `No Port resolved for: ${srvName} (the SRV record says the service is not offered).`);
    return { srvName, srvRecords: records, checks: [{ kind: 'failure', failure: { host: target.host, port: null, srv: srvName, srvRecord: null, error } }], endpointCap: null };
  }
  // Every SRV target at once (each query within the run's limit); the results keep the SRV order.
  const perRecord = await Promise.all(usable.map((record) => forHost(record.target, record.port, record)));
  return capped(perRecord.flat(), srvName, records);
}
