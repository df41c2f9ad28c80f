// Name-constraint forms RFC 5280 4.2.1.10 defines, and the bound on the work, on hand-made path facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GeneralNameValue, NameConstraintsValue, ParsedCert } from '../shared/engine/chain/cert.ts';
import { checkNameConstraints, NameCheckBudget, nameConstraintProfileProblems } from '../shared/engine/chain/name-constraints.ts';
import { readNameConstraints, readSubjectAltNames } from '../shared/engine/decode/general-name-walk.ts';

const cn = (text: string) => [[{ oid: '2.5.4.3', text, rawHex: '' }]];

function leaf(names: GeneralNameValue[], subject = cn('leaf')): ParsedCert {
  return { subject, subjectAltName: { critical: false, names } } as unknown as ParsedCert;
}

function constraints(permitted: GeneralNameValue[] | null, excluded: GeneralNameValue[] | null, critical = true): NameConstraintsValue {
  return { critical, permitted, excluded };
}

const dns = (value: string): GeneralNameValue => ({ type: 'dns', value });

test('a wildcard SAN that could stand for an excluded name is refused; one beside it is not', () => {
  const set = [{ from: 'ICA', constraints: constraints([dns('example.com')], [dns('bar.example.com')]) }];
  assert.match(checkNameConstraints(leaf([dns('*.example.com')]), set, true) ?? '', /excluded by "ICA"/);
  assert.equal(checkNameConstraints(leaf([dns('*.foo.example.com')]), set, true), null);
  assert.equal(checkNameConstraints(leaf([dns('foo.example.com')]), set, true), null);
  const below = [{ from: 'ICA', constraints: constraints(null, [dns('.bar.example.com')]) }];
  assert.equal(checkNameConstraints(leaf([dns('*.example.com')]), below, true), null);
  assert.match(checkNameConstraints(leaf([dns('*.bar.example.com')]), below, true) ?? '', /excluded/);
});

test('an otherName constraint is processed or the certificate refused (RFC 5280 4.2.1.10)', () => {
  const set = [{ from: 'ICA', constraints: constraints([dns('example.com')], [{ type: 'other', form: 'otherName' }]) }];
  assert.match(checkNameConstraints(leaf([dns('example.com'), { type: 'other', form: 'otherName' }]), set, true) ?? '', /constrains otherName names/);
  assert.equal(checkNameConstraints(leaf([dns('example.com')]), set, true), null);
  // Another form the certificate has is not constrained.
  assert.equal(checkNameConstraints(leaf([dns('example.com'), { type: 'other', form: 'registeredID' }]), set, true), null);
});

test('a malformed e-mail address is refused under an e-mail constraint', () => {
  const set = [{ from: 'ICA', constraints: constraints([{ type: 'email', value: 'example.com' }], null) }];
  assert.match(checkNameConstraints(leaf([{ type: 'email', value: 'invalid@address@example.com' }]), set, true) ?? '', /not a valid e-mail address/);
  assert.equal(checkNameConstraints(leaf([{ type: 'email', value: 'good@example.com' }]), set, true), null);
  assert.equal(checkNameConstraints(leaf([{ type: 'email', value: '"odd@local"@example.com' }]), set, true), null);
});

test('the strict profile wants a critical extension and no leading period in DNS constraints', () => {
  const ca = (nc: NameConstraintsValue) => ({ nameConstraints: nc }) as unknown as ParsedCert;
  assert.deepEqual(nameConstraintProfileProblems(ca(constraints([dns('example.com')], null))), []);
  assert.match(nameConstraintProfileProblems(ca(constraints([dns('example.com')], null, false))).join(), /must be marked critical/);
  assert.match(nameConstraintProfileProblems(ca(constraints([dns('.example.com')], null))).join(), /starts with a period/);
});

test('names x constraints over 2^20 is refused before any comparison, quickly', () => {
  const many = Array.from({ length: 2048 }, (_, i) => dns(`t${i}.test`));
  const set = [{ from: 'Root', constraints: constraints(many, many) }];
  const started = performance.now();
  const problem = checkNameConstraints(leaf(many), set, true);
  assert.match(problem ?? '', /comparisons is more than a client checks/);
  assert.ok(performance.now() - started < 100);
  // The budget is summed over the path: two certificates of half the work each add up.
  const budget = new NameCheckBudget();
  assert.equal(budget.take(NameCheckBudget.MAX_COMPARISONS / 2), null);
  assert.notEqual(budget.take(NameCheckBudget.MAX_COMPARISONS / 2 + 1), null);
});

test('SAN and name constraints are read from the bytes: every GeneralName form, empty and malformed lists', () => {
  // SEQUENCE { [2] "a.test", [7] 127.0.0.1, [0] otherName { OID 1.2.3, [0] { NULL } }, [8] OID 1.2.3 }
  const san = new Uint8Array(Buffer.from('301c8206612e7465737487047f000001a00806022a03a002050088022a03', 'hex'));
  assert.deepEqual(readSubjectAltNames(san), [
    { type: 'dns', value: 'a.test' },
    { type: 'ip', bytes: new Uint8Array([127, 0, 0, 1]) },
    { type: 'other', form: 'otherName' },
    { type: 'other', form: 'registeredID' },
  ]);
  assert.throws(() => readSubjectAltNames(Buffer.from('3000', 'hex')), /empty/);
  assert.throws(() => readSubjectAltNames(Buffer.from('30028100ff', 'hex')));
  // SEQUENCE { [0] { SEQUENCE { [2] "a.test" } }, [1] {} }
  const nc = readNameConstraints(Buffer.from('300ea00a30088206612e74657374a100', 'hex'));
  assert.deepEqual(nc, { permitted: [{ type: 'dns', value: 'a.test' }], excluded: [] });
  assert.throws(() => readNameConstraints(Buffer.from('3002a200', 'hex')), /unexpected field/);
});
