// The SIP OPTIONS test (off by default) and the domain for its From and To, beside the SRV boxes.
import { useApp, useAppStore } from '../context.ts';

export function SipOptionsFields() {
  const store = useAppStore();
  const sipOptions = useApp((s) => s.form.sipOptions);
  const sipDomain = useApp((s) => s.form.sipDomain);
  const { setForm } = store.getState();
  return (
    <fieldset className="checks">
      <legend>SIP</legend>
      <label className="check" title="After the certificate check, send one SIP OPTIONS over TLS and show the answer">
        <input type="checkbox" checked={sipOptions} onChange={(e) => setForm({ sipOptions: e.target.checked })} />
        SIP OPTIONS
      </label>
      {sipOptions && (
        <div className="form-field">
          <label htmlFor="sip-domain">SIP domain (From/To)</label>
          <input
            id="sip-domain"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="the target's domain"
            value={sipDomain}
            onChange={(e) => setForm({ sipDomain: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  );
}
