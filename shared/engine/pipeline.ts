// The pipeline, one stage per module:
//   target (target.ts) -> DNS (dns.ts) -> TLS capture (capture.ts) -> decode (decode.ts)
//   -> chain and trust (chain.ts, with missing issuers fetched by aia.ts) -> revocation (revocation.ts)
//   -> comments (rules.ts) -> result.
// Only dns.ts, capture.ts, aia.ts and revocation.ts touch the network (the last two not with --offline);
// the rest is pure.
import type {
  ChainItem,
  CheckOptions,
  DeadlineStep,
  CheckRequest,
  EndpointResult,
  Endpoint,
  EndpointStep,
  RunProgress,
  ServedChainFacts,
  Target,
  TrustVerdict,
} from '../types.ts';
import { parseTarget } from './target.ts';
import { parseDnsServer, resolveTarget, type DnsFailure } from './dns.ts';
import { captureEndpoint } from './capture/index.ts';
import { decodeCertificateCached } from './decode/index.ts';
import { buildChain, type ChainOutcome, type TrustAnchor } from './chain/index.ts';
import { loadTrustAnchors } from './chain/trust-store.ts';
import { readCertificates } from '../formats/certfile.ts';
import { evaluateRules } from './rules/index.ts';
import { rootLinks } from './chain/root-links.ts';
import { checkError } from './errors.ts';
import { fetchMissingIssuers } from './chain/aia.ts';
import { checkRevocation } from './revocation/index.ts';
import { createFetchGuard, type FetchGuard } from './net/fetch-policy.ts';
import { setMaxListeners } from 'node:events';
import { createLimiter, type Limiter } from './limiter.ts';
import { startDeadline, type EndpointDeadline } from './deadline.ts';
import { endpointSipOptions, runClientCredential } from './sip/endpoint.ts';
import { probeSuites } from './capture/suite-probe.ts';
import { DR_REQUIRED_SUITES, profileFor, rootSubjects, shippedSupportedCas } from './profiles/index.ts';
import { createProgressTracker, type TargetProgress } from './progress.ts';

export { createLimiter } from './limiter.ts';

export interface RunHooks {
  signal?: AbortSignal;
  /**
   * Called once per endpoint, target by target as targets finish (not in input order: each result carries
   * inputIndex and memberIndex; createInOrderEmitter in in-order.ts restores the order), in test order within a target.
   */
  onResult?(result: EndpointResult): void;
  onProgress?(progress: RunProgress): void;
}

/** Trust anchors for a run: the stores plus the roots the admin added. */
export function anchorsFor(options: Pick<CheckOptions, 'extraRootsPem'>): TrustAnchor[] {
  const userRootsDer = (options.extraRootsPem ?? []).flatMap((pem) => readCertificates(new TextEncoder().encode(pem)).certificates);
  return loadTrustAnchors({ userRootsDer, includeSystem: true });
}

/** Chain facts the comment rules read, from the builder's outcome. */
function servedChainFacts(outcome: ChainOutcome): ServedChainFacts {
  // Intermediates sit between the leaf and the top (the anchor or the last certificate found).
  const intermediates = outcome.links.slice(1, -1);
  return {
    missingIssuer: outcome.missingIssuer,
    notSentIntermediates: intermediates.filter((link) => link.source !== 'served').map((link) => decodeCertificateCached(link.der).subject),
    unusedIndexes: outcome.servedUnused,
    inOrder: outcome.servedOrderOk,
    rootSent: outcome.rootServed,
  };
}

function chainItems(outcome: ChainOutcome): ChainItem[] {
  return outcome.links.map((link) => ({ cert: decodeCertificateCached(link.der), source: link.source, valid: link.valid, reason: link.reason }));
}

function trustVerdict(outcome: ChainOutcome, chain: ChainItem[]): TrustVerdict {
  const top = chain[chain.length - 1]?.cert;
  return { trusted: outcome.trusted, store: outcome.store, root: top ? top.subject : null, reason: outcome.reason, strictFindings: outcome.strictFindings };
}

export function emptyResult(base: Omit<EndpointResult, 'error' | 'tls' | 'served' | 'certificateSource' | 'chain' | 'trust' | 'servedChain' | 'comments' | 'rootLinks' | 'revocation' | 'checkedAt'>): EndpointResult {
  return {
    ...base,
    error: null,
    tls: { protocol: null, cipher: null, handshakeMs: null, handshakeError: null, authorized: null, authorizationError: null },
    served: [],
    certificateSource: null,
    chain: [],
    trust: null,
    servedChain: null,
    comments: [],
    rootLinks: [],
    revocation: null,
    checkedAt: new Date().toISOString(),
  };
}

function failureResult(target: Target, failure: DnsFailure): EndpointResult {
  const result = emptyResult({
    target: target.input,
    type: target.type,
    host: failure.host,
    ip: null,
    port: failure.port,
    poolMember: false,
    srv: failure.srv,
    srvRecord: failure.srvRecord,
    poolAddresses: [],
  });
  result.error = failure.error;
  return result;
}

/** Everything one endpoint may take on the network: the capture bounds itself to this, the fetches after it share what is left. */
export function endpointBudgetMs(timeoutMs: number): number {
  return 2 * timeoutMs;
}

/** Kept back from the budget for what follows a cut (aborting downloads, the rules), so the whole endpoint ends within it. */
function wrapUpMs(timeoutMs: number): number {
  return Math.min(100, Math.max(20, Math.round(timeoutMs / 100)));
}

/**
 * Capture, decode, build the chain and check revocation for one endpoint (comments come later, with the pool).
 * One deadline covers every network step of the endpoint, from the capture on; each step keeps its own
 * --timeout bound inside it. Steps the deadline cuts are recorded as a fact, never waited for.
 */
export async function checkEndpoint(
  endpoint: Endpoint,
  anchors: TrustAnchor[],
  options: CheckOptions,
  signal?: AbortSignal,
  /** Told each network step as it starts, for the progress report. */
  onStep?: (step: EndpointStep) => void,
): Promise<EndpointResult> {
  const budgetMs = endpointBudgetMs(options.timeoutMs);
  const deadline = startDeadline(budgetMs - wrapUpMs(options.timeoutMs), signal);
  try {
    return await checkWithin(endpoint, anchors, options, signal, deadline, budgetMs, onStep);
  } finally {
    deadline.dispose();
  }
}

async function checkWithin(
  endpoint: Endpoint,
  anchors: TrustAnchor[],
  options: CheckOptions,
  signal: AbortSignal | undefined,
  deadline: EndpointDeadline,
  budgetMs: number,
  onStep?: (step: EndpointStep) => void,
): Promise<EndpointResult> {
  const result = emptyResult(endpoint);
  // AIA and revocation listen once per download in flight.
  setMaxListeners(0, deadline.signal);
  const cut: DeadlineStep[] = [];
  const step = async <T>(name: DeadlineStep, run: () => Promise<T>): Promise<T> => {
    onStep?.(name);
    const value = await run();
    if (deadline.expired) cut.push(name);
    return value;
  };

  // The capture already ends within the same budget by itself (see capture/index.ts), so it keeps the run's signal:
  // a deadline racing its own bound could only cancel a fallback handshake about to finish.
  onStep?.('handshake');
  // SIP OPTIONS runs alongside the capture, so the endpoint's time bound is unchanged.
  // Direct Routing names four required suites: each is asked for alone, alongside the capture too.
  const sip = endpointSipOptions(endpoint, options, signal);
  const suitesAsked = profileFor(endpoint, options) === 'direct-routing' ? probeSuites(endpoint, DR_REQUIRED_SUITES, { timeoutMs: options.timeoutMs, signal }) : null;
  const [capture, profileSuites, sipResult] = await Promise.all([
    captureEndpoint(endpoint, { timeoutMs: options.timeoutMs, signal, clientCertificate: runClientCredential(options) }),
    suitesAsked,
    sip,
  ]);
  if (sipResult) result.sip = sipResult;
  result.checkedAt = new Date().toISOString();
  result.tls = capture.tls;
  if (profileSuites) result.tls.profileSuites = profileSuites;
  result.error = capture.error;
  result.certificateSource = capture.certificateSource;
  if (capture.certificates.length === 0) return result;

  // The certificate's URLs may lead into the admin's network only when this server is in it too.
  const guard = createFetchGuard({ mode: options.internalFetches, targetAddress: endpoint.ip });
  const built = await decodeAndBuildChain(result, capture.certificates, anchors, options, deadline.signal, guard, step);
  if (!options.offline) {
    const report = await step('revocation', () =>
      checkRevocation({ chain: built, stapledOcsp: capture.stapledOcsp, timeoutMs: options.timeoutMs, signal: deadline.signal, now: new Date(result.checkedAt), guard }),
    );
    result.revocation = { ...report.overall, certificates: report.perCert };
  }
  if (guard.refused.length) result.refusedFetches = guard.refused;
  if (cut.length) result.deadlineExceeded = { budgetMs, steps: cut };
  return result;
}

type StepRunner = <T>(name: DeadlineStep, run: () => Promise<T>) => Promise<T>;
const untimedStep: StepRunner = (_name, run) => run();

/** The anchors' DER as one stable array per run, so the AIA stage can cache what it parsed from it. */
const anchorDerCache = new WeakMap<TrustAnchor[], Uint8Array[]>();
function anchorDers(anchors: TrustAnchor[]): Uint8Array[] {
  let ders = anchorDerCache.get(anchors);
  if (!ders) anchorDerCache.set(anchors, (ders = anchors.map((a) => a.der)));
  return ders;
}

/**
 * Stages 4 and 5 for certificates however they were obtained (a server, or files for `inspect`):
 * decode, fetch issuers the server did not send (AIA, unless offline), build and judge the chain.
 * Returns the built chain's DER, leaf first.
 */
export async function decodeAndBuildChain(
  result: EndpointResult,
  served: Uint8Array[],
  anchors: TrustAnchor[],
  options: Pick<CheckOptions, 'offline' | 'timeoutMs' | 'internalFetches'>,
  signal?: AbortSignal,
  // Certificates from files have no server: their URLs lead into the admin's network only when allowed.
  guard: FetchGuard = createFetchGuard({ mode: options.internalFetches, targetAddress: null }),
  step: StepRunner = untimedStep,
): Promise<Uint8Array[]> {
  result.served = served.map((der) => decodeCertificateCached(der));
  const aia = options.offline
    ? { fetched: [] }
    : await step('aia', () => fetchMissingIssuers(served, { timeoutMs: options.timeoutMs, signal, knownIssuers: anchorDers(anchors), guard }));
  if (guard.refused.length) result.refusedFetches = guard.refused;
  const extraIntermediates = aia.fetched.map((f) => ({ der: f.der, source: 'aia' as const }));
  const outcome = await buildChain({ served, anchors, extraIntermediates, at: new Date(result.checkedAt) });
  result.chain = chainItems(outcome);
  result.trust = trustVerdict(outcome, result.chain);
  result.servedChain = servedChainFacts(outcome);
  return outcome.links.map((link) => link.der);
}

/** Subjects of the roots the admin added, so rules can spot them in a server's CA list. */
function userRootSubjects(anchors: TrustAnchor[]): string[] {
  return anchors.filter((a) => a.store === 'user').map((a) => decodeCertificateCached(a.der).subject);
}

/** Comments and root links for a target's results, judged together so pool members can be compared. */
export function judge(
  results: EndpointResult[],
  target: Target,
  anchors: TrustAnchor[],
  options: Pick<CheckOptions, 'profile' | 'drSupportedCas' | 'myRootsPem'> & { caCertificate?: boolean } = {},
): void {
  const userRoots = userRootSubjects(anchors);
  const profile = profileFor(target, options);
  const profileFacts = profile ? { profile, drSupportedCas: options.drSupportedCas ?? shippedSupportedCas(), myRoots: rootSubjects(options.myRootsPem ?? []) } : {};
  for (const result of results) {
    const pool = results.filter((other) => other.host === result.host && other.port === result.port);
    result.rootLinks = result.served.length ? rootLinks(result) : [];
    if (profile) result.profile = profile;
    result.comments = evaluateRules({ result, pool, ipTarget: target.isIp, now: new Date(result.checkedAt), userRoots, caCertificate: options.caCertificate, ...profileFacts });
  }
}

/** Check one target end to end: DNS, then every endpoint (pool members in parallel). */
export async function checkTarget(
  target: Target,
  anchors: TrustAnchor[],
  options: CheckOptions,
  limit: Limiter,
  signal?: AbortSignal,
  progress?: TargetProgress,
): Promise<EndpointResult[]> {
  const resolution = await resolveTarget(target, {
    dnsServer: options.dnsServer,
    testPool: options.testPool,
    timeoutMs: options.timeoutMs,
    signal,
    limit,
    maxEndpoints: options.maxEndpointsPerTarget,
  });
  progress?.resolved(resolution.checks.length);
  const results = await Promise.all(
    resolution.checks.map(async (planned) => {
      if (planned.kind === 'failure') {
        progress?.endpointDone(null);
        return failureResult(target, planned.failure);
      }
      const { endpoint } = planned;
      const result = await limit(() => checkEndpoint(endpoint, anchors, options, signal, (step) => progress?.step(endpoint, step)));
      progress?.endpointDone(endpoint);
      return result;
    }),
  );
  // The cap is a fact of the target's DNS, recorded once (on its first result) so it is said once.
  if (resolution.endpointCap && results[0]) results[0].endpointCap = resolution.endpointCap;
  judge(results, target, anchors, options);
  return results;
}

/**
 * Check every target of the request. Results are reported target by target as they finish;
 * the promise resolves with all of them in request order. A cancelled run keeps what finished.
 * Throws UsageError for an invalid target before anything is sent.
 */
export async function runChecks(request: CheckRequest, hooks: RunHooks = {}): Promise<EndpointResult[]> {
  const options = request.options;
  const targets = request.targets.map((input) => parseTarget(input));
  // A bad DNS server is the DNS server field's fault, said once before anything runs (not on every endpoint).
  if (options.dnsServer) parseDnsServer(options.dnsServer);
  // Every endpoint in flight listens on the run's signal: hundreds at once in a bulk run, by design.
  if (hooks.signal) setMaxListeners(0, hooks.signal);
  const anchors = anchorsFor(options);
  // Read the client certificate before anything is sent: a file that cannot be used stops the run.
  runClientCredential(options);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 16, 256));
  const limit = createLimiter(concurrency);
  const perTarget: EndpointResult[][] = new Array(targets.length);
  const progress = createProgressTracker(targets, hooks.onProgress);
  let next = 0;
  hooks.onProgress?.(progress.snapshot());

  const worker = async () => {
    while (next < targets.length && !hooks.signal?.aborted) {
      const index = next++;
      const target = targets[index];
      const targetProgress = progress.targetStarted(index, target);
      let results: EndpointResult[];
      try {
        results = await checkTarget(target, anchors, options, limit, hooks.signal, targetProgress);
      } catch (err) {
        // A bug in one stage must not stop the other targets: report it on this target.
        const broken = emptyResult({ target: target.input, type: target.type, host: target.host, ip: null, port: target.port, poolMember: false, srv: null, srvRecord: null, poolAddresses: [] });
        broken.error = checkError('INTERNAL', `Internal error while checking ${target.input}: ${err instanceof Error ? err.message : String(err)}`);
        results = [broken];
      }
      if (hooks.signal?.aborted) return;
      results.forEach((result, memberIndex) => Object.assign(result, { inputIndex: index, memberIndex, memberCount: results.length }));
      perTarget[index] = results;
      for (const result of results) hooks.onResult?.(result);
      progress.targetDone(index, results.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return perTarget.flatMap((results) => results ?? []);
}

