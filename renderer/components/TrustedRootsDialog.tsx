// Trusted Roots: internal enterprise CAs the checks trust besides the bundled public roots.
// A native <dialog> (modal, Escape closes, focus stays inside).
import { useModalDialog } from './useModalDialog.ts';
import { DialogHeader } from './DialogHeader.tsx';
import { useApp, useAppStore } from '../context.ts';
import { formatDate } from '../format.ts';
import type { PendingRoots } from '../store/trusted-roots.ts';

/** A selection with a certificate that is not a CA: why that matters, what would be added, and the admin's choice. */
function NotCaConfirmation({ pending }: { pending: PendingRoots }) {
  const store = useAppStore();
  return (
    <section className="not-ca" role="alertdialog" aria-labelledby="not-ca-title" aria-describedby="not-ca-why">
      <h3 id="not-ca-title">Not a CA certificate: add it anyway?</h3>
      <ul id="not-ca-why">
        {pending.notCa.map(({ root, reason }) => (
          <li key={root.thumbprint}>
            <strong>{root.subject}</strong>: {reason}
          </li>
        ))}
      </ul>
      <p>This would add {pending.wouldAdd.length === 1 ? 'this certificate' : `these ${pending.wouldAdd.length} certificates`}:</p>
      <ul className="would-add">
        {pending.wouldAdd.map((root) => (
          <li key={root.thumbprint}>
            {root.subject} <span className="mono">{root.thumbprint}</span> (Not After {formatDate(root.notAfter).slice(0, 10)})
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" onClick={() => void store.getState().confirmPendingRoots()}>
          Add anyway
        </button>
        <button type="button" className="primary" onClick={() => store.getState().dropPendingRoots()}>
          Don&apos;t add
        </button>
      </div>
    </section>
  );
}

export function TrustedRootsDialog() {
  const store = useAppStore();
  const open = useApp((s) => s.trustedRootsOpen);
  const roots = useApp((s) => s.trustedRoots);
  const error = useApp((s) => s.trustedRootsError);
  const pending = useApp((s) => s.trustedRootsPending);
  const myRoots = useApp((s) => s.myRootThumbprints);
  const shell = useApp((s) => s.appInfo?.shell ?? null);
  const dialogRef = useModalDialog(open);

  const actions = store.getState();
  return (
    <dialog ref={dialogRef} className="trusted-roots" aria-labelledby="trusted-roots-title" onClose={() => actions.closeTrustedRoots()}>
      <DialogHeader id="trusted-roots-title" title="Trusted Roots" onClose={() => actions.closeTrustedRoots()} />
      <p className="dialog-intro">
        Root certificates of internal enterprise CAs. Checks trust them in addition to the bundled public roots, so an internal
        Front End or Edge certificate shows as trusted. They are kept {shell === 'web' ? 'by the checker server' : 'on this computer'}.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {pending && <NotCaConfirmation pending={pending} />}
      <div className="table-scroll roots-scroll">
        <table className="roots-table">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Thumbprint</th>
              <th scope="col">Not After</th>
              <th scope="col" title="The root of your own Edge certificate: the federation profile looks for it in a partner's CA list">
                My Edge's root
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {roots.length === 0 ? (
              <tr className="empty">
                <td colSpan={5}>No trusted roots added. Add .cer, .crt, .pem or .p7b files, or drop them here.</td>
              </tr>
            ) : (
              roots.map((root) => (
                <tr key={root.thumbprint}>
                  <td className="wrap">{root.subject}</td>
                  <td className="mono">{root.thumbprint}</td>
                  <td className="date">{formatDate(root.notAfter).slice(0, 10)}</td>
                  <td>
                    <input
                      type="checkbox"
                      checked={myRoots.includes(root.thumbprint)}
                      onChange={(e) => actions.setMyRoot(root.thumbprint, e.target.checked)}
                      aria-label={`${root.subject} is my Edge's root`}
                    />
                  </td>
                  <td>
                    <button type="button" className="small" onClick={() => void actions.removeTrustedRoot(root.thumbprint)} aria-label={`Remove ${root.subject}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <div className="button-row dialog-buttons">
        <button type="button" className="primary" onClick={() => void actions.addTrustedRootsFromDialog()}>
          Add Certificates…
        </button>
        <button type="button" className="push-right" onClick={() => actions.closeTrustedRoots()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
