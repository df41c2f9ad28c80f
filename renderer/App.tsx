// The window: header, controls on the left (always visible), results on the right (scrolls).
import { useEffect, useState } from 'react';
import { useApp, useAppStore } from './context.ts';
import { fileToBase64 } from './bridge-web.ts';
import { TargetForm } from './components/TargetForm.tsx';
import { TargetList } from './components/TargetList.tsx';
import { ResultsPanel } from './components/ResultsPanel.tsx';
import { TrustedRootsDialog } from './components/TrustedRootsDialog.tsx';
import { MyCertificateDialog } from './components/MyCertificateDialog.tsx';
import { AboutDialog } from './components/AboutDialog.tsx';
import { HistoryView } from './components/HistoryView.tsx';
import { HistorySettingsDialog } from './components/HistorySettingsDialog.tsx';
import { decodeTextFile } from '../shared/formats/text-file.ts';

const CERT_FILE = /\.(cer|crt|pem|der|p7b)$/i;

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Drop a .csv list on the window to import it; certificate files go to an open Trusted Roots dialog. */
function useFileDrop(): boolean {
  const store = useAppStore();
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    const onDrop = async (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      const state = store.getState();
      const certs = files.filter((file) => CERT_FILE.test(file.name));
      for (const file of files) {
        if (/\.csv$/i.test(file.name) || file.type === 'text/csv') await state.importDroppedList(file.name, decodeTextFile(new Uint8Array(await file.arrayBuffer())));
        else if (!CERT_FILE.test(file.name)) state.notify('error', `${file.name} is not a .csv list: drop a file with the columns Domain,Type,Port.`);
      }
      if (certs.length) {
        if (state.trustedRootsOpen) {
          await state.addTrustedRootFiles(await Promise.all(certs.map(async (file) => ({ name: file.name, contentBase64: await fileToBase64(file) }))));
        } else {
          state.notify('info', 'To trust a root certificate, open Trusted Roots and drop it there.');
        }
      }
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [store]);
  return dragging;
}

export function App() {
  const store = useAppStore();
  const appInfo = useApp((s) => s.appInfo);
  const trustedOpen = useApp((s) => s.trustedRootsOpen);
  const myCertificateOpen = useApp((s) => s.myCertificateOpen);
  const dragging = useFileDrop();

  useEffect(() => {
    void store.getState().loadAppInfo();
  }, [store]);

  useEffect(() => {
    document.title = appInfo?.name ?? 'SfB Certificate Checker';
  }, [appInfo]);

  return (
    <div className="app">
      <a className="skip-link" href="#results">
        Skip to results
      </a>
      <header className="app-header">
        <div className="brand">
          <svg className="brand-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" opacity=".18" />
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
            <path d="m8.5 12 2.4 2.4 4.6-4.8" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h1>{appInfo?.name ?? 'SfB Certificate Checker'}</h1>
          {appInfo && <span className="version">v{appInfo.version}</span>}
        </div>
        <div className="header-actions">
          <button type="button" onClick={() => void store.getState().openTrustedRoots()} aria-haspopup="dialog" aria-expanded={trustedOpen}>
            Trusted Roots…
          </button>
          <button type="button" onClick={() => void store.getState().openMyCertificate()} aria-haspopup="dialog" aria-expanded={myCertificateOpen}>
            My Certificate…
          </button>
          <button type="button" onClick={() => void store.getState().openHistorySettings()} aria-haspopup="dialog">
            History…
          </button>
        </div>
      </header>
      <div className="app-body">
        <aside className="controls" aria-label="Test controls">
          <TargetForm />
          <TargetList />
        </aside>
        <ResultsPanel />
      </div>
      <TrustedRootsDialog />
      <MyCertificateDialog />
      <AboutDialog />
      <HistoryView />
      <HistorySettingsDialog />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-message">{trustedOpen ? 'Drop certificates to add them to Trusted Roots' : 'Drop a .csv list to add its targets'}</div>
        </div>
      )}
    </div>
  );
}
