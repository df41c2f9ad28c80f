// The title row of a modal dialog: its heading (the dialog's accessible name) and a close button.
export function DialogHeader({ id, title, onClose }: { id: string; title: string; onClose: () => void }) {
  return (
    <div className="dialog-header">
      <h2 id={id}>{title}</h2>
      <button type="button" className="small ghost" onClick={onClose} aria-label={`Close ${title}`}>
        ✕
      </button>
    </div>
  );
}
