// Host / Port / DNS Server, the SRV check boxes and the options, with Test and Cancel Test:
// the old tool's controls and words. Enter in any field runs Test (the form's submit button).
import { useEffect, type FormEvent } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { isRunActive } from '../store/index.ts';
import type { FormField, SrvType } from '../targets.ts';
import { SipOptionsFields } from './SipOptionsFields.tsx';
import type { CheckProfile } from '../../shared/types.ts';
import { CHECK_PROFILES } from '../../shared/types.ts';
import { PROFILE_TITLE } from '../../shared/formats/profile-labels.ts';

const SRV_BOXES: { type: SrvType; label: string; record: string }[] = [
  { type: 'FED', label: 'FED SRV', record: '_sipfederationtls._tcp' },
  { type: 'SIP', label: 'SIP SRV', record: '_sip._tls' },
  { type: 'SIPINT', label: 'SIP INT SRV', record: '_sipinternaltls._tcp' },
];

export function TargetForm() {
  const store = useAppStore();
  const form = useApp((s) => s.form);
  const fieldError = useApp((s) => s.fieldError);
  const status = useApp((s) => s.run.status);
  const queueLength = useApp((s) => s.queue.length);
  const running = isRunActive(status);
  const { setForm, setSrvType } = store.getState();

  // The focus goes to the field at fault, so the admin can type the fix at once.
  useEffect(() => {
    if (fieldError) document.getElementById(fieldError.field)?.focus();
  }, [fieldError]);
  const invalid = (field: FormField) => (fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {});

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void store.getState().startTest();
  };
  const srvRecord = SRV_BOXES.find((box) => box.type === form.srvType)?.record;

  return (
    <form className="target-form" onSubmit={onSubmit} aria-labelledby="target-form-title" noValidate>
      <h2 id="target-form-title" className="panel-title">
        Target
      </h2>
      <div className="field-row">
        <div className="form-field grow">
          <label htmlFor="host">{form.srvType ? 'SIP Domain' : 'Host'}</label>
          <input
            id="host"
            name="host"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder={form.srvType ? 'contoso.com' : 'sip.contoso.com, 192.0.2.10'}
            value={form.host}
            aria-describedby="host-hint"
            {...invalid('host')}
            onChange={(e) => setForm({ host: e.target.value })}
          />
        </div>
        <div className="form-field port">
          <label htmlFor="port">Port</label>
          <input
            id="port"
            name="port"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={form.srvType ? '' : form.port}
            placeholder={form.srvType ? 'SRV' : '443'}
            disabled={form.srvType !== null}
            title={form.srvType ? 'The port comes from the SRV record' : 'One port or several, comma-separated'}
            {...invalid('port')}
            onChange={(e) => setForm({ port: e.target.value })}
          />
        </div>
      </div>
      {fieldError && fieldError.field !== 'dns-server' ? (
        <p id={`${fieldError.field}-error`} className="field-error" role="alert">
          {fieldError.message}
        </p>
      ) : (
        <p id="host-hint" className="field-hint">
          {srvRecord
            ? `Looks up ${srvRecord}.<domain> and tests every SRV target.`
            : 'Several hosts or ports, comma-separated: one test per host × port.'}
        </p>
      )}
      <div className="form-field">
        <label htmlFor="dns-server">DNS Server</label>
        <input
          id="dns-server"
          name="dnsServer"
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="system resolver, or e.g. 8.8.8.8"
          value={form.dnsServer}
          {...invalid('dns-server')}
          onChange={(e) => setForm({ dnsServer: e.target.value })}
        />
        {fieldError?.field === 'dns-server' && (
          <p id="dns-server-error" className="field-error" role="alert">
            {fieldError.message}
          </p>
        )}
      </div>

      <fieldset className="checks">
        <legend>SRV lookup</legend>
        {SRV_BOXES.map((box) => (
          <label key={box.type} className="check" title={`${box.record}.<domain>`}>
            <input type="checkbox" checked={form.srvType === box.type} onChange={(e) => setSrvType(box.type, e.target.checked)} />
            {box.label}
          </label>
        ))}
        <label className="check profile-choice" title="Adds the requirements of a server-to-server link; automatic judges FED SRV targets as Edge federation">
          Profile{' '}
          <select id="profile" value={form.profile ?? ''} onChange={(e) => setForm({ profile: (e.target.value || null) as CheckProfile | null })}>
            <option value="">Automatic</option>
            {CHECK_PROFILES.map((profile) => (
              <option key={profile} value={profile}>
                {PROFILE_TITLE[profile]}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <SipOptionsFields />
      <fieldset className="checks">
        <legend>Options</legend>
        <label className="check">
          <input type="checkbox" checked={form.testPool} onChange={(e) => setForm({ testPool: e.target.checked })} />
          Test DNSLB Pool
        </label>
        <label className="check" title="AIA, CRL and OCSP URLs on loopback or private addresses are fetched only for internal servers unless this is ticked">
          <input type="checkbox" checked={form.allowInternalFetches} onChange={(e) => setForm({ allowInternalFetches: e.target.checked })} />
          Fetch from internal addresses
        </label>
        <label className="check">
          <input type="checkbox" checked={form.showAdvanced} onChange={(e) => setForm({ showAdvanced: e.target.checked })} />
          Show Advanced
        </label>
        <label className="check">
          <input type="checkbox" checked={form.showRootChain} onChange={(e) => setForm({ showRootChain: e.target.checked })} />
          Show Root Chain
        </label>
      </fieldset>

      <div className="button-row">
        <button
          id="test-button"
          type="submit"
          className="primary"
          disabled={running}
          title={queueLength ? `Test the ${queueLength} targets in the list` : 'Test the Host field'}
        >
          Test
        </button>
        <button
          id="sweep-button"
          type="button"
          disabled={running}
          title="Check every well-known name of the SIP domain in Host: the three SRV records and sip., sipexternal., lyncdiscover., lyncdiscoverinternal., meet., dialin., webext. on 443"
          onClick={() => void store.getState().startSweep()}
        >
          Sweep domain
        </button>
        <button id="cancel-button" type="button" onClick={() => void store.getState().cancelTest()} disabled={!running || status === 'cancelling'}>
          Cancel Test
        </button>
        <span className="button-note">{queueLength ? `runs the list (${queueLength})` : 'runs the Host field'}</span>
      </div>
    </form>
  );
}
