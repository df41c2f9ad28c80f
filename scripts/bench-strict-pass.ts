// What the client verdict's extra strict-profile pass costs: buildChain per chain (pass included) and the
// pass alone, over the suite's online:: chains (real server chains). Usage: npx tsx scripts/bench-strict-pass.ts [limbo.json]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pemBlocks } from '../shared/bytes.ts';
import { buildChain } from '../shared/engine/chain/index.ts';
import { parseCertificate } from '../shared/engine/chain/cert.ts';
import { strictPathFindings } from '../shared/engine/chain/validate.ts';
import { DEFAULT_LIMBO_PATH } from './conformance.ts';
const path = process.argv[2] ?? DEFAULT_LIMBO_PATH;
const d = JSON.parse(readFileSync(path, 'utf8'));
const cases = d.testcases.filter((t: { id: string }) => t.id.startsWith('online::'));
interface LimboCase { peer_certificate: string; untrusted_intermediates: string[]; trusted_certs: string[]; validation_time: string }
let chains = 0, buildMs = 0, strictMs = 0;
for (const t of cases as LimboCase[]) {
  const served = [...pemBlocks(t.peer_certificate), ...t.untrusted_intermediates.flatMap((pem: string) => pemBlocks(pem))];
  const anchors = t.trusted_certs.flatMap((pem: string) => pemBlocks(pem)).map((der) => ({ der, store: 'user' as const }));
  const at = new Date(t.validation_time);
  await buildChain({ served, anchors, at }); // warm: parse cache
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await buildChain({ served, anchors, at });
  buildMs += performance.now() - t0;
  const out = await buildChain({ served, anchors, at });
  const certs = out.links.map((l) => { const p = parseCertificate(l.der); if (!p.ok) throw new Error(); return p.cert; });
  const t1 = performance.now();
  for (let i = 0; i < 20; i++) strictPathFindings({ certs, end: 'anchor' });
  strictMs += performance.now() - t1;
  chains += 20;
}
console.log(`${cases.length} online chains x20: buildChain ${(buildMs / chains).toFixed(3)} ms/chain (strict pass included), strict pass alone ${(strictMs / chains * 1000).toFixed(1)} µs/chain`);
