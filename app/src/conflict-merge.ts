/**
 * Merging after a 412 (someone else saved first), field by field over a form's draft: `before`
 * is what the person opened, `mine` what they have typed, `theirs` the version saved meanwhile.
 * A field only one side changed takes that side; a field both changed differently is a conflict
 * the person decides. The merged draft replaces the form, with `theirs` as the new base, so a
 * field the person did not change (or gave to them) equals the base and is never sent.
 * Pure functions: unit-tested in Node (test/unit/conflict-merge.test.ts).
 */
export type Draft = Record<string, string>;

export type FieldChange = "theirs" | "mine" | "both" | "conflict";

/** How each field changed since it was opened; fields nobody changed are left out. */
export function changesOf<D extends Draft>(before: D, mine: D, theirs: D, fields: readonly (keyof D & string)[]) {
  const out: { field: keyof D & string; change: FieldChange }[] = [];
  for (const field of fields) {
    const iChanged = mine[field] !== before[field];
    const theyChanged = theirs[field] !== before[field];
    if (!iChanged && !theyChanged) continue;
    const change: FieldChange =
      iChanged && theyChanged ? (mine[field] === theirs[field] ? "both" : "conflict") : iChanged ? "mine" : "theirs";
    out.push({ field, change });
  }
  return out;
}

/** The draft to show after the person's choices: `keepMine` names the conflicts they keep. */
export function mergeDrafts<D extends Draft>(before: D, mine: D, theirs: D, keepMine: ReadonlySet<string>): D {
  const merged = { ...theirs };
  for (const field of Object.keys(theirs) as (keyof D & string)[]) {
    const iChanged = mine[field] !== before[field];
    const theyChanged = theirs[field] !== before[field];
    if (iChanged && (!theyChanged || keepMine.has(field))) merged[field] = mine[field];
  }
  return merged;
}
