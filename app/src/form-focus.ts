/** After a refused submit: focus the first field (in form order) that has an error, else the form's message. */
export function focusFirstError(
  order: readonly string[],
  errors: Record<string, string>,
  idOf: (field: string) => string,
  fallbackId?: string,
) {
  const first = order.find((field) => errors[field]);
  const id = first ? idOf(first) : fallbackId;
  // After React has rendered the messages, so aria-describedby already names them.
  if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
}
