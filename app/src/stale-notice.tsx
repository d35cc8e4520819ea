/** The message an edit form shows after a 412: someone else changed it first; reload to continue. */
export function StaleNotice({ what, onReload, busy }: { what: string; onReload: () => void; busy?: boolean }) {
  return (
    <div className="form-error stale-notice" role="alert">
      <p>
        <strong>Changed by someone else: </strong>
        This {what} was changed by someone else since you opened it, so your changes were not saved. Reload it to see their changes, then
        make yours again.
      </p>
      <button type="button" className="button" onClick={onReload} disabled={busy}>
        {busy ? "Reloading…" : `Reload ${what}`}
      </button>
    </div>
  );
}
