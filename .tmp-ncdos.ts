import { readSuite } from '/work/main/scripts/limbo-suite.ts';
import { judgeTestcase } from '/work/main/scripts/conformance.ts';
import { clearDecodeCache } from '/work/main/shared/engine/decode/cache.ts';
const suite = readSuite('/work/limbo-current/limbo.json');
// warm-up: an unrelated case, as the real run does before
await judgeTestcase(suite.testcases.find((t) => t.id.startsWith('rfc5280::'))!, { profile: 'strict' });
for (const id of ['pathological::nc-dos-1', 'pathological::nc-dos-3']) {
  const tc = suite.testcases.find((t) => t.id === id)!;
  for (let i = 0; i < 2; i++) {
    clearDecodeCache();
    const t0 = performance.now();
    await judgeTestcase(tc, { profile: 'strict' });
    console.log(id, Math.round(performance.now() - t0), 'ms');
  }
}
