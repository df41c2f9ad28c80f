// The command line over the engine: check, sweep, inspect, history, diff and watch.
// Exit status: see USAGE (--fail-on); 2 usage or input-file error.
import { toPem } from '../shared/bytes.ts';
import type { CheckOptions, CheckRequest, EndpointResult, TargetInput, TargetType } from '../shared/types.ts';
import { DEFAULT_OPTIONS } from '../shared/types.ts';
import { UsageError, parsePort, parseTargetType } from '../shared/engine/target.ts';
import { notACertificateAuthority } from '../shared/host/trusted-roots.ts';
import { DEFAULT_MAX_ENDPOINTS_PER_TARGET, parseDnsServer } from '../shared/engine/dns.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import { inspectCertificates } from '../shared/engine/inspect.ts';
import { endpointText } from '../shared/formats/text-report.ts';
import type { ImportError } from '../shared/ipc.ts';
import { escapeControls } from '../shared/formats/safe-text.ts';
import { formatChanges } from '../shared/history/commands.ts';
import { decodeTextFile } from '../shared/formats/text-file.ts';
import { createInOrderEmitter } from '../shared/engine/in-order.ts';
import { jsonDocumentWriter, ndjsonWriter, type ResultWriter } from './json-output.ts';
import { readArgs } from './args.ts';
import { DEFAULT_FAIL_ON, exitStatus, exitStatusTracker, parseFailOn } from './exit-status.ts';
import { openResultFiles } from './result-files.ts';
import { InputFileError, readCertificateFile, readInputFile, readTargetListFile } from './input-files.ts';
import { createProgressLine, type ProgressLine } from './progress-line.ts';
import { parseProfile, parseSupportedCaList } from '../shared/engine/profiles/index.ts';
import { sweepDomain } from '../shared/engine/sweep.ts';
import { sweepText } from '../shared/formats/sweep-report.ts';

/** Where the certificate's password may come from instead of the command line. */
export const CLIENT_CERT_PASSWORD_ENV = 'SFB_CLIENT_CERT_PASSWORD';
import { checkEngine, HISTORY_OPTIONS, HISTORY_USAGE, historyReport, newErrors, watchCommand } from './history.ts';
import type { ChangeRecord } from '../shared/history/changes.ts';

const USAGE = `Usage:
  npm run cli -- check <target>... [--type DIR|FED|SIP|SIPINT] [--port N] [--dns-server IP[:PORT]]
                 [--no-dnslb] [--advanced] [--chain] [--timeout MS] [--trust FILE]... [--offline]
                 [--max-endpoints N] [--allow-private-fetch | --public-fetch-only] [--json | --ndjson]
                 [--sip-options [--sip-domain D]] [--client-cert FILE [--client-key FILE] [--client-cert-password P]]
                 [--fail-on error|warning|never] [--progress]
  npm run cli -- check --import LIST.csv [--export OUT.csv] [--concurrency N] [other check options]
  npm run cli -- sweep <sipdomain> [check options]
  npm run cli -- inspect FILE... [--trust FILE]... [--host NAME] [--profile P] [--advanced] [--chain] [--save-chain DIR] [--json | --ndjson]
${HISTORY_USAGE}

  <target>   host, host:port, IPv4, [IPv6]:port, or a SIP domain for FED/SIP/SIPINT; a pasted
             https://host:port/path or sip:/sips: address is read as its host and port;
             several targets may be given as one comma-separated argument
  --type     DIR (default) connects to the host; FED, SIP and SIPINT look up
             _sipfederationtls._tcp, _sip._tls and _sipinternaltls._tcp SRV records
  --port     port for DIR targets typed without one, and for the sweep's web names (default 443)
  --dns-server  resolve every name through this DNS server instead of the system resolver
  --no-dnslb    test only the first address of a name (default: every address of a pool)
  --advanced    show every extension;  --chain  show the served and built chains
  --timeout     per-step timeout in ms (DNS query, connect, handshake; default ${DEFAULT_OPTIONS.timeoutMs})
  --trust       a .cer/.crt/.pem/.p7b file of extra trusted roots (internal enterprise CAs)
  --offline     no network fetches beyond the check itself (no AIA, CRL or OCSP)
  --allow-private-fetch  fetch AIA, CRL and OCSP URLs on loopback and private addresses for every server
                (default: only when the server checked is on such an address itself)
  --public-fetch-only    never fetch certificate URLs on loopback and private addresses
  --import      a target list in the old tool's format (header Domain,Type,Port)
  --export      write the results as CSV for Excel (one row per endpoint), each row as it comes, into
                OUT.csv.partial, renamed to OUT.csv when the run ends (an unfinished run leaves OUT.csv as it was)
  --concurrency how many endpoints are checked at once (default ${DEFAULT_OPTIONS.concurrency})
  --save-chain  write every certificate of each built chain (root and intermediates too) to DIR,
                as .cer (DER: Windows opens it with a double-click) and .pem
  --max-endpoints  most endpoints one target expands to (SRV targets times addresses; default ${DEFAULT_MAX_ENDPOINTS_PER_TARGET})
  --sip-options send one SIP OPTIONS over TLS to every endpoint and report the answer
  --sip-domain  the domain in From and To of the OPTIONS (default: the target's)
  --client-cert your own certificate (PEM with its key, or PFX/P12), presented when the far end asks (mutual TLS)
  --client-key  the PEM key, when not in the --client-cert file
  --client-cert-password  the PFX password or PEM key passphrase; better: set ${CLIENT_CERT_PASSWORD_ENV}
                (keeps it out of shell history and the process list)
  --profile     direct-routing (a Teams Direct Routing SBC) or federation (an Edge federation
                partner; the default for FED targets): adds that link's requirements
  --dr-ca-list  a JSON list of the CAs supported for Direct Routing SBC certificates, replacing the
                shipped one ({"cas":[{"name":"...","sha1":"..."}]})
  --my-root     a certificate file of your own Edge's or SBC's root, looked for in a partner's CA list
  sweep         checks every well-known name of a SIP domain (the three SRV records, sip., sipexternal.,
                lyncdiscover., lyncdiscoverinternal., meet., dialin., webext. on 443) and sums them up
  --json        print {"results":[...]} instead of text (with --import, also "importErrors")
  --ndjson      print one JSON result per line instead of text
                (results are printed in the order given, each as soon as the ones before it are done)
  --fail-on     which findings make the exit status 1: error (default: any error comment, such as
                expired, revoked or untrusted), warning (errors and warnings), never (always 0)
  --progress    show progress on stderr even when it is not a terminal (it is shown on a terminal anyway)

Exit status: 0 nothing at the --fail-on level was found; 1 an endpoint was not reached, a list row
was not imported, or a comment at the --fail-on level (default ${DEFAULT_FAIL_ON}) was found; 2 usage or
input-file error; 3 (check --record, watch) the run brought new errors.`;

type Writer = (text: string) => void;
type Report = { advanced: boolean; rootChain: boolean; format: 'text' | 'json' | 'ndjson' };

/** Where progress goes: stderr without escaping (the progress line escapes what it quotes), and whether it is a terminal. */
export interface ProgressOutput {
  write: Writer;
  terminal: boolean;
}

class Cli {
  constructor(
    private readonly out: Writer,
    private readonly err: Writer,
    private readonly progressOutput: ProgressOutput,
    /** For CSV documents, whose cells are made safe one by one (escaping would break the BOM and CRLF). */
    private readonly rawOut: Writer = out,
  ) {}

  private static parse(args: string[]) {
    return readArgs(args, {
        type: { type: 'string' },
        port: { type: 'string' },
        'dns-server': { type: 'string' },
        'no-dnslb': { type: 'boolean', default: false },
        advanced: { type: 'boolean', default: false },
        chain: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        trust: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
        ndjson: { type: 'boolean', default: false },
        'max-endpoints': { type: 'string' },
        host: { type: 'string' },
        concurrency: { type: 'string' },
        import: { type: 'string' },
        export: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'allow-private-fetch': { type: 'boolean', default: false },
        'public-fetch-only': { type: 'boolean', default: false },
        'save-chain': { type: 'string' },
        'sip-options': { type: 'boolean', default: false },
        'sip-domain': { type: 'string' },
        'client-cert': { type: 'string' },
        'client-key': { type: 'string' },
        'client-cert-password': { type: 'string' },
        profile: { type: 'string' },
        'dr-ca-list': { type: 'string' },
        'my-root': { type: 'string', multiple: true, default: [] },
        'fail-on': { type: 'string' },
        progress: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...HISTORY_OPTIONS,
    });
  }

  /** The --trust files as PEM; a certificate that is not a CA is still added (the admin named it), with a warning. */
  private trustPems(files: string[]): string[] {
    return files.map((file) => {
      const certificates = readCertificateFile(file, '--trust ');
      for (const der of certificates) {
        const why = notACertificateAuthority(der);
        if (why) this.err(`Warning: --trust ${file}: ${why}\n`);
      }
      return certificates.map((der) => toPem(der)).join('');
    });
  }

  private static positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`--${name} takes a whole number from 1 to ${max}.`);
    return Number(value);
  }

  /** --sip-options, --sip-domain and the client certificate's files (read by the engine, once per run). */
  private static sipOptions(values: ReturnType<typeof Cli.parse>['values']): Pick<CheckOptions, 'sipOptions' | 'sipDomain' | 'clientCert'> {
    const sipDomain = values['sip-domain']?.trim();
    if (values['sip-domain'] !== undefined && !sipDomain) throw new UsageError('--sip-domain needs a domain, e.g. contoso.com.');
    if (sipDomain && !values['sip-options']) throw new UsageError('--sip-domain is the domain of the SIP OPTIONS: add --sip-options.');
    if (!values['client-cert'] && (values['client-key'] || values['client-cert-password'])) throw new UsageError('--client-key and --client-cert-password belong to --client-cert FILE.');
    const password = values['client-cert-password'] ?? process.env[CLIENT_CERT_PASSWORD_ENV] ?? null;
    return {
      ...(values['sip-options'] ? { sipOptions: true, sipDomain: sipDomain ?? null } : {}),
      ...(values['client-cert'] ? { clientCert: { certFile: values['client-cert'], keyFile: values['client-key'] ?? null, password } } : {}),
    };
  }

  async run(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      this.out(USAGE + '\n');
      return command ? 0 : 2;
    }
    const { values, positionals } = Cli.parse(rest);
    if (values.help) {
      this.out(USAGE + '\n');
      return 0;
    }
    if (values.json && values.ndjson) throw new UsageError('--json and --ndjson are two forms of the same output: choose one.');
    const report: Report = { advanced: values.advanced, rootChain: values.chain, format: values.json ? 'json' : values.ndjson ? 'ndjson' : 'text' };
    if (command === 'history' || command === 'diff') {
      (values.csv ? this.rawOut : this.out)(historyReport(command, values, positionals));
      return 0;
    }
    if (command === 'watch') {
      const { request } = this.checkRequest(values, positionals);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        return await watchCommand(values, { request, source: values.import ?? 'manual', out: values.csv ? this.rawOut : this.out, err: this.err, signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    if (command === 'sweep') return this.sweep(positionals, this.checkOptions(values), report, values.port !== undefined ? parsePort(values.port) : 443);
    if (command === 'check') {
      const failOn = parseFailOn(values['fail-on']);
      const { request, importErrors } = this.checkRequest(values, positionals);
      if (request.targets.length === 0) {
        // Every row was rejected (the lines above say why): a rejected row is exit status 1, as in any run.
        this.err(`Error: --import ${values.import}: no row could be imported, so there is nothing to check.\n`);
        return 1;
      }
      let changes: ChangeRecord[] | null = null;
      const engine = checkEngine(values, values.import ?? 'manual', this.err, (recorded) => (changes = recorded));
      const files = openResultFiles({ exportPath: values.export, chainDir: values['save-chain'] }, this.err);
      const exit = exitStatusTracker(failOn, importErrors?.length ?? 0);
      let finished = false;
      try {
        await this.checkInOrder(engine, request, report, importErrors, values.progress, (result) => {
          files.add(result);
          exit.add(result);
        });
        finished = true;
      } finally {
        files.end(finished);
      }
      if (values.record) {
        const recorded: ChangeRecord[] = changes ?? [];
        this.err(formatChanges(recorded, 'text', 'Changes since the previous run:'));
        if (newErrors(recorded).length) return 3;
      }
      return exit.status();
    }
    if (command === 'inspect') {
      if (positionals.length === 0) throw new UsageError('inspect needs at least one certificate file.');
      const failOn = parseFailOn(values['fail-on']);
      const certificates = positionals.flatMap((file) => readCertificateFile(file, ''));
      const result = await inspectCertificates(certificates, {
        host: values.host ?? null,
        extraRootsPem: this.trustPems(values.trust),
        internalFetches: Cli.internalFetches(values),
        ...this.profileOptions(values),
      });
      const files = openResultFiles({ chainDir: values['save-chain'] }, this.err);
      files.add(result);
      files.end(true);
      const writer = this.resultWriter(report, this.out);
      writer.write(result);
      writer.end();
      return exitStatus([result], failOn);
    }
    throw new UsageError(`Unknown command "${command}": use check, sweep, inspect, history, diff or watch.`);
  }

  private static internalFetches(values: ReturnType<typeof Cli.parse>['values']): CheckOptions['internalFetches'] {
    if (values['allow-private-fetch'] && values['public-fetch-only']) throw new UsageError('--allow-private-fetch and --public-fetch-only contradict each other: choose one.');
    return values['allow-private-fetch'] ? 'allow' : values['public-fetch-only'] ? 'refuse' : 'auto';
  }

  /** The options of `check`, `sweep` and `watch`. */
  private checkOptions(values: ReturnType<typeof Cli.parse>['values']): CheckOptions {
    const internalFetches = Cli.internalFetches(values);
    return {
      dnsServer: values['dns-server'] !== undefined ? (parseDnsServer(values['dns-server']), values['dns-server'].trim()) : null,
      testPool: !values['no-dnslb'],
      timeoutMs: Cli.positiveInt('timeout', values.timeout, DEFAULT_OPTIONS.timeoutMs, 600_000),
      extraRootsPem: this.trustPems(values.trust),
      concurrency: Cli.positiveInt('concurrency', values.concurrency, DEFAULT_OPTIONS.concurrency ?? 16, 256),
      offline: values.offline,
      internalFetches,
      maxEndpointsPerTarget: Cli.positiveInt('max-endpoints', values['max-endpoints'], DEFAULT_MAX_ENDPOINTS_PER_TARGET, 10_000),
      ...Cli.sipOptions(values),
      ...this.profileOptions(values),
    };
  }

  /** The targets (typed and imported) and the options of `check` and `watch`. */
  private checkRequest(values: ReturnType<typeof Cli.parse>['values'], positionals: string[]): { request: CheckRequest; importErrors?: ImportError[] } {
    const options = this.checkOptions(values);
    if (positionals.length === 0 && !values.import) throw new UsageError('check needs at least one target, or --import LIST.csv.');
    const type: TargetType = values.type ? parseTargetType(values.type) : 'DIR';
    const port = values.port !== undefined ? parsePort(values.port) : null;
    // The order typed is the order reported: the arguments (each may list several, comma-separated), then the list.
    const targets: TargetInput[] = positionals.flatMap((arg) => splitTargetList(arg)).map((input) => ({ input, type, port }));
    let importErrors: ImportError[] | undefined;
    if (values.import) {
      const list = readTargetListFile(values.import);
      targets.push(...list.rows);
      importErrors = list.importErrors;
      for (const e of importErrors) this.err(`${values.import}:${e.line}: ${e.message}\n`);
    }
    return { request: { targets, options }, importErrors };
  }

  private profileOptions(values: { profile?: string; 'dr-ca-list'?: string; 'my-root': string[] }): Pick<CheckOptions, 'profile' | 'drSupportedCas' | 'myRootsPem'> {
    const file = values['dr-ca-list'];
    return {
      ...(values.profile !== undefined ? { profile: parseProfile(values.profile) } : {}),
      ...(file ? { drSupportedCas: parseSupportedCaList(decodeTextFile(readInputFile(file)), file) } : {}),
      ...(values['my-root'].length ? { myRootsPem: this.trustPems(values['my-root']) } : {}),
    };
  }

  /** One line per well-known name of the domain, then the domain-level findings. Exit 0 unless usage. */
  private async sweep(positionals: string[], options: CheckOptions, report: Report, webPort: number): Promise<number> {
    if (positionals.length !== 1) throw new UsageError('sweep takes one SIP domain, e.g. sweep contoso.com.');
    const { summary, results } = await sweepDomain(positionals[0]!, options, {}, webPort);
    if (report.format === 'text') this.out(sweepText(summary));
    else this.out(JSON.stringify({ sweep: summary, results }, null, report.format === 'json' ? 2 : undefined) + '\n');
    return 0;
  }

  private resultWriter(report: Report, out: Writer, importErrors?: ImportError[]): ResultWriter {
    if (report.format === 'json') return jsonDocumentWriter(out, importErrors);
    if (report.format === 'ndjson') return ndjsonWriter(out);
    return { write: (result) => out(`${endpointText(result, report)}\n`), end: () => {} };
  }

  /**
   * Run the checks concurrently, printing each result as soon as every one before it (in input order) is
   * printed, and handing it to `each` then. The results are not kept: each is dropped once written.
   */
  private async checkInOrder(
    engine: typeof runChecks,
    request: CheckRequest,
    report: Report,
    importErrors: ImportError[] | undefined,
    forceProgress: boolean,
    each: (result: EndpointResult) => void,
  ): Promise<void> {
    const progress: ProgressLine | null =
      this.progressOutput.terminal || forceProgress ? createProgressLine(this.progressOutput.write, this.progressOutput.terminal) : null;
    const writer = this.resultWriter(report, progress ? progress.around(this.out) : this.out, importErrors);
    const inOrder = createInOrderEmitter((result) => {
      writer.write(result);
      each(result);
    });
    try {
      await engine(request, { keepResults: false, onResult: (result) => inOrder.push(result), onProgress: progress ? (p) => progress.update(p) : undefined });
      inOrder.flush();
    } finally {
      progress?.end();
      writer.end();
    }
  }
}

/** "a.contoso.com, b.contoso.com" typed as one argument: each a target, in order. */
function splitTargetList(arg: string): string[] {
  return arg.split(',').map((part) => part.trim()).filter((part) => part !== '');
}


/** Everything the CLI prints may quote a certificate, a server or a CSV file: the terminal must not obey it. */
function escaping(write: Writer): Writer {
  return (text) => write(escapeControls(text, { keepNewlines: true }));
}

export async function main(
  argv: string[],
  rawOut: Writer = (t) => process.stdout.write(t),
  rawErr: Writer = (t) => process.stderr.write(t),
  /** Progress: the process's stderr, drawn in place on a terminal; elsewhere only with --progress, a line per update. */
  progressOutput: ProgressOutput = { write: (t) => process.stderr.write(t), terminal: process.stderr.isTTY === true },
): Promise<number> {
  const out = escaping(rawOut);
  const err = escaping(rawErr);
  try {
    return await new Cli(out, err, progressOutput, rawOut).run(argv);
  } catch (error) {
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const isFile = error instanceof InputFileError;
    err(`${isUsage ? 'Usage error' : 'Error'}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (isUsage) err('Run "npm run cli -- --help" for the options.\n');
    return isUsage || isFile ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
