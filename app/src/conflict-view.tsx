/**
 * What an edit form shows after a 412: the version saved meanwhile, field by field against what
 * the person opened and what they typed. Where both changed a field differently the person
 * chooses `Keep mine` or `Take theirs`; `Use these values` puts the merge into the form (with
 * the new version as its base, so a later Save sends only fields still differing from theirs),
 * `Discard my changes` takes their version whole. Merging rules: conflict-merge.ts.
 */
import { useState } from "react";
import { changesOf, type Draft, mergeDrafts } from "./conflict-merge";
import "./conflict-view.css";

export interface Conflict<D extends Draft> {
  before: D;
  mine: D;
  theirs: D;
}

const CHANGE_TEXT = {
  mine: "You changed this; they did not, so yours is kept.",
  theirs: "They changed this; you did not, so theirs is taken.",
  both: "You both made the same change.",
  conflict: "You both changed this differently: choose which to keep.",
} as const;

export function ConflictView<D extends Draft>({
  what,
  idPrefix,
  fields,
  labels,
  conflict,
  show = (_field, value) => value,
  onUse,
}: {
  what: string;
  idPrefix: string;
  fields: readonly (keyof D & string)[];
  labels: Record<keyof D & string, string>;
  conflict: Conflict<D>;
  /** A field's value in words (an id as its name, for example); "" shows as "(empty)". */
  show?: (field: keyof D & string, value: string) => string;
  /** The merged draft; the form takes `conflict.theirs` as its new base. */
  onUse: (merged: D) => void;
}) {
  const { before, mine, theirs } = conflict;
  const changes = changesOf(before, mine, theirs, fields);
  const [keepMine, setKeepMine] = useState<Set<string>>(() => new Set(changes.filter((c) => c.change === "conflict").map((c) => c.field)));
  const text = (field: keyof D & string, value: string | undefined) => (value ? show(field, value) || value : "(empty)");
  const choose = (field: string, mineKept: boolean) =>
    setKeepMine((kept) => {
      const next = new Set(kept);
      if (mineKept) next.add(field);
      else next.delete(field);
      return next;
    });

  return (
    <section className="conflict-view" aria-labelledby={`${idPrefix}-conflict-heading`}>
      <h3 id={`${idPrefix}-conflict-heading`}>Changed by someone else</h3>
      <p role="alert">
        This {what} was changed by someone else since you opened it, so your changes were not saved. Below is what changed, field by field.
      </p>
      {changes.length ? null : <p>Nothing you can edit here changed: use their version and save again.</p>}
      <ul className="conflict-list">
        {changes.map(({ field, change }) => (
          <li key={field}>
            <p>
              <strong>{labels[field]}</strong>: {CHANGE_TEXT[change]}
            </p>
            <dl className="conflict-values">
              <div>
                <dt>When you opened it</dt>
                <dd>{text(field, before[field])}</dd>
              </div>
              <div>
                <dt>Theirs</dt>
                <dd>{text(field, theirs[field])}</dd>
              </div>
              <div>
                <dt>Yours</dt>
                <dd>{text(field, mine[field])}</dd>
              </div>
            </dl>
            {change === "conflict" ? (
              <fieldset className="checkbox-group">
                <legend>{labels[field]}: which to keep</legend>
                <label className="checkbox large-choice">
                  <input
                    type="radio"
                    name={`${idPrefix}-keep-${field}`}
                    checked={keepMine.has(field)}
                    onChange={() => choose(field, true)}
                  />
                  Keep mine
                </label>
                <label className="checkbox large-choice">
                  <input
                    type="radio"
                    name={`${idPrefix}-keep-${field}`}
                    checked={!keepMine.has(field)}
                    onChange={() => choose(field, false)}
                  />
                  Take theirs
                </label>
              </fieldset>
            ) : null}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="button primary" onClick={() => onUse(mergeDrafts(before, mine, theirs, keepMine))}>
          Use these values
        </button>
        <button type="button" className="button" onClick={() => onUse({ ...theirs })}>
          Discard my changes
        </button>
      </div>
    </section>
  );
}
