// The pipeline's SIP step: the admin's certificate loaded once per run (its TLS context is cached per
// credential object, so one object must serve every endpoint), and one OPTIONS per endpoint when asked.
import type { CheckOptions, Endpoint, SipOptionsResult } from '../../types.ts';
import { UsageError } from '../target.ts';
import { ClientCertificateError, loadClientCertificate, type ClientCredential } from './client-cert.ts';
import { sipOptions, sipOptionsRequestFor } from './options.ts';

type SipCheckOptions = Pick<CheckOptions, 'sipOptions' | 'sipDomain' | 'clientCert' | 'timeoutMs'>;

/** One credential per run's options object; the options of a run do not change while it runs. */
const credentials = new WeakMap<object, ClientCredential | null>();

/**
 * The run's client certificate (null without one), read from its files on first use. A file that cannot
 * be used is a usage error for the whole run: checking on without it would report a refusal that is ours.
 */
export function runClientCredential(options: Pick<CheckOptions, 'clientCert'>): ClientCredential | null {
  if (credentials.has(options)) return credentials.get(options)!;
  let credential: ClientCredential | null = null;
  if (options.clientCert) {
    try {
      credential = loadClientCertificate(options.clientCert);
    } catch (error) {
      if (error instanceof ClientCertificateError) throw new UsageError(`Client certificate ${options.clientCert.certFile}: ${error.message}`);
      throw error;
    }
  }
  credentials.set(options, credential);
  return credential;
}

/** The SIP domain of an SRV endpoint: its record name without the service and protocol labels. */
function targetOf(endpoint: Pick<Endpoint, 'type' | 'host' | 'srv'>): { type: Endpoint['type']; host: string } {
  const domain = endpoint.srv ? endpoint.srv.split('.').slice(2).join('.') : endpoint.host;
  return { type: endpoint.type, host: domain || endpoint.host };
}

/** The SIP OPTIONS fact for one endpoint, or null when the run did not ask for it. Never rejects. */
export async function endpointSipOptions(endpoint: Endpoint, options: SipCheckOptions, signal?: AbortSignal): Promise<SipOptionsResult | null> {
  if (!options.sipOptions) return null;
  const request = sipOptionsRequestFor(targetOf(endpoint), endpoint, {
    sipDomain: options.sipDomain,
    timeoutMs: options.timeoutMs,
    signal,
    clientCertificate: runClientCredential(options),
  });
  return sipOptions(request);
}
