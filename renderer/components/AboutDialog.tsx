// Help > About (Electron menu).
import { useModalDialog } from './useModalDialog.ts';
import { useApp, useAppStore } from '../context.ts';

export function AboutDialog() {
  const store = useAppStore();
  const open = useApp((s) => s.aboutOpen);
  const info = useApp((s) => s.appInfo);
  const dialogRef = useModalDialog(open);

  const close = () => store.getState().setAboutOpen(false);
  return (
    <dialog ref={dialogRef} className="about" aria-labelledby="about-title" onClose={close}>
      <h2 id="about-title">{info?.name ?? 'SfB Certificate Checker'}</h2>
      <p className="dialog-intro">
        Version {info?.version ?? 'unknown'} ({info?.shell === 'web' ? 'browser' : 'desktop'}). Checks the certificates Skype for Business, Lync
        and Teams Direct Routing servers present, builds and validates their chains, and says what is wrong.
      </p>
      <div className="button-row dialog-buttons">
        <button type="button" className="primary push-right" onClick={close}>
          Close
        </button>
      </div>
    </dialog>
  );
}
