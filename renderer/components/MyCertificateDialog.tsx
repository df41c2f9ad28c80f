// My certificate: the admin's own certificate (PEM with its key, or PFX/P12), presented when a far end
// asks for one (mutual TLS, the SIP OPTIONS test). Shows the loaded certificate's names, never its key.
import { useRef, useState, type FormEvent } from 'react';
import type { MyCertificate } from '../../shared/ipc.ts';
import { fileToBase64 } from '../bridge-web.ts';
import { useApp, useAppStore } from '../context.ts';
import { formatDate } from '../format.ts';
import { useModalDialog } from './useModalDialog.ts';
import { DialogHeader } from './DialogHeader.tsx';

const PASSWORD_KEPT: Record<MyCertificate['password'], string> = {
  encrypted: "The password is kept encrypted by the operating system's key store.",
  session: 'The password is kept in memory only, until the checker stops: load the certificate again after a restart.',
  none: 'No password.',
  missing: 'The password is no longer available (it was kept for a session that has ended): load the certificate again.',
};

export function MyCertificateDialog() {
  const store = useAppStore();
  const open = useApp((s) => s.myCertificateOpen);
  const mine = useApp((s) => s.myCertificate);
  const error = useApp((s) => s.myCertificateError);
  const busy = useApp((s) => s.myCertificateBusy);
  const shell = useApp((s) => s.appInfo?.shell ?? null);
  const dialogRef = useModalDialog(open);
  const formRef = useRef<HTMLFormElement>(null);
  const [certFile, setCertFile] = useState<File | null>(null);
  const [keyFile, setKeyFile] = useState<File | null>(null);
  const actions = store.getState();

  const onLoad = async (event: FormEvent) => {
    event.preventDefault();
    if (!certFile) return;
    const password = (new FormData(event.currentTarget as HTMLFormElement).get('password') as string | null) || null;
    const taken = await actions.setMyCertificate({
      cert: { name: certFile.name, contentBase64: await fileToBase64(certFile) },
      key: keyFile ? { name: keyFile.name, contentBase64: await fileToBase64(keyFile) } : null,
      password,
    });
    // The page keeps neither the files nor the password once the host has them.
    if (taken) {
      formRef.current?.reset();
      setCertFile(null);
      setKeyFile(null);
    }
  };

  return (
    <dialog ref={dialogRef} className="my-certificate" aria-labelledby="my-certificate-title" onClose={() => actions.closeMyCertificate()}>
      <DialogHeader id="my-certificate-title" title="My Certificate" onClose={() => actions.closeMyCertificate()} />
      <p className="dialog-intro">
        Your own certificate (your Edge, SBC or proxy certificate with its private key), presented whenever a far end asks for one:
        mutual TLS, as a federation partner or Microsoft would connect, and the SIP OPTIONS test. It is kept{' '}
        {shell === 'web' ? 'by the checker server' : 'on this computer'}; the key never leaves it.
        {shell === 'web' ? ' In this browser window the password is kept in the server\'s memory for this session only.' : ''}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {mine ? (
        <dl className="my-certificate-facts" aria-label="Loaded certificate">
          <dt>Subject</dt>
          <dd>{mine.subject}</dd>
          <dt>Issuer</dt>
          <dd>{mine.issuer}</dd>
          <dt>Expires</dt>
          <dd>{mine.notAfter ? formatDate(mine.notAfter) : ''}</dd>
          <dt>Thumbprint</dt>
          <dd className="mono">{mine.thumbprint}</dd>
          <dt>Files</dt>
          <dd>{mine.keyFileName ? `${mine.certFileName}, key ${mine.keyFileName}` : mine.certFileName}</dd>
          <dt>Password</dt>
          <dd>{PASSWORD_KEPT[mine.password]}</dd>
        </dl>
      ) : (
        <p className="empty-note">No certificate loaded: checks present none.</p>
      )}
      <form ref={formRef} className="my-certificate-form" onSubmit={(e) => void onLoad(e)}>
        <div className="form-field">
          <label htmlFor="my-cert-file">Certificate (.pem, .crt, .pfx, .p12)</label>
          <input id="my-cert-file" type="file" accept=".pem,.crt,.cer,.pfx,.p12" onChange={(e) => setCertFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="form-field">
          <label htmlFor="my-key-file">Private key (.pem, .key), if not in the certificate file</label>
          <input id="my-key-file" type="file" accept=".pem,.key" onChange={(e) => setKeyFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="form-field">
          <label htmlFor="my-cert-password">Password (PFX, or an encrypted key)</label>
          <input id="my-cert-password" name="password" type="password" autoComplete="off" />
        </div>
        <div className="button-row dialog-buttons">
          <button type="submit" className="primary" disabled={!certFile || busy}>
            {mine ? 'Replace' : 'Load'}
          </button>
          {mine && (
            <button type="button" onClick={() => void actions.removeMyCertificate()}>
              Remove
            </button>
          )}
          <button type="button" className="push-right" onClick={() => actions.closeMyCertificate()}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
