// Kamailio (Debian's kamailio + kamailio-tls-modules) as a real SIP/TLS far end for tests: listens on one
// 127.0.0.x TLS port only, answers OPTIONS with 200, and optionally requires and verifies a client
// certificate from a given CA. Its config, runtime dir and pid file live in a temp dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RunningServer } from './servers.ts';

export interface KamailioOptions {
  /** A 127.0.0.x address. */
  host: string;
  certPath: string;
  keyPath: string;
  /** PEM file of the CAs whose client certificates Kamailio accepts; when given it requires one. */
  clientCaPath?: string;
  /** Kamailio's tls_method: 'TLSv1.2+' (default, TLS 1.3 preferred) or 'TLSv1.2' for TLS 1.2 only. */
  method?: 'TLSv1.2+' | 'TLSv1.2';
}

export interface RunningKamailio extends RunningServer {
  /** What Kamailio wrote to stderr (bounded), for failure messages. */
  log(): string;
}

/** Why Kamailio cannot run here, or null when it can (binary and TLS module present). */
export function kamailioMissing(): string | null {
  const version = spawnSync('kamailio', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (version.error || version.status !== 0) return 'kamailio is not installed (apt-get install kamailio kamailio-tls-modules)';
  if (!/USE_TLS/.test(version.stdout)) return 'this kamailio was built without TLS';
  return null;
}

function config(opts: KamailioOptions, port: number, tlsCfg: string): string {
  return [
    'debug=2',
    'log_stderror=yes',
    // TLS rides on TCP, which needs worker processes: keep them to one each.
    'fork=yes',
    'children=1',
    'tcp_children=1',
    'disable_sctp=yes',
    'auto_aliases=no',
    'dns=no',
    'rev_dns=no',
    'enable_tls=yes',
    `listen=tls:${opts.host}:${port}`,
    'loadmodule "tls.so"',
    'loadmodule "sl.so"',
    'loadmodule "textops.so"',
    `modparam("tls", "config", "${tlsCfg}")`,
    'request_route {',
    '  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }',
    '  sl_send_reply("501", "Not Implemented");',
    '}',
    '',
  ].join('\n');
}

function tlsConfig(opts: KamailioOptions): string {
  const mutual = opts.clientCaPath !== undefined;
  return [
    '[server:default]',
    `method = ${opts.method ?? 'TLSv1.2+'}`,
    `verify_certificate = ${mutual ? 'yes' : 'no'}`,
    `require_certificate = ${mutual ? 'yes' : 'no'}`,
    `private_key = ${opts.keyPath}`,
    `certificate = ${opts.certPath}`,
    ...(mutual ? [`ca_list = ${opts.clientCaPath}`] : []),
    '[client:default]',
    'verify_certificate = no',
    'require_certificate = no',
    '',
  ].join('\n');
}

/** Resolves once the TLS port accepts TCP connections; rejects when Kamailio exits first or takes over 20 s. */
function waitForPort(child: ChildProcess, host: string, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`kamailio exited (${child.exitCode ?? child.signalCode}):\n${log()}`));
      if (Date.now() > deadline) return reject(new Error(`kamailio did not listen on ${host}:${port} within 20 s:\n${log()}`));
      const probe = net.connect({ host, port });
      probe.setTimeout(1000);
      probe.once('connect', () => {
        probe.destroy();
        resolve();
      });
      const retry = () => {
        probe.destroy();
        setTimeout(attempt, 200);
      };
      probe.once('error', retry);
      probe.once('timeout', retry);
    };
    attempt();
  });
}

/** Starts Kamailio in the foreground (-DD -E) in its own process group, so stopping it stops its workers too. */
export async function startKamailio(opts: KamailioOptions): Promise<RunningKamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  const port = await freePort(opts.host);
  const tlsCfg = join(dir, 'tls.cfg');
  const mainCfg = join(dir, 'kamailio.cfg');
  writeFileSync(tlsCfg, tlsConfig(opts));
  writeFileSync(mainCfg, config(opts, port, tlsCfg));
  const child = spawn('kamailio', ['-f', mainCfg, '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-m', '16', '-M', '4'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (output.length < 200_000) output += chunk.toString();
  });
  const log = () => output.slice(-4000);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    // Workers left behind (the group outlives its leader for a moment): make sure none survive.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(child, opts.host, port, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: opts.host, port, close: stop, log };
}
