/**
 * A small History API router: the path is the screen, so every screen has its own URL that
 * survives a reload. The hash is ignored, so the skip link's `#main` does not change screens.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
/** Set when the user moved to another screen, so the new screen takes focus (not on first load). */
let focusOnNextScreen = false;

function emit() {
  for (const listener of listeners) listener();
}
window.addEventListener("popstate", () => {
  focusOnNextScreen = true;
  emit();
});

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const currentPath = () => location.pathname;
const currentSearch = () => location.search;

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function useSearch(): URLSearchParams {
  return new URLSearchParams(useSyncExternalStore(subscribe, currentSearch));
}

export function navigate(to: string, { replace = false, focus = true } = {}) {
  if (to === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", to);
  focusOnNextScreen = focus;
  emit();
}

/** Whether the screen being shown was reached by navigation; reading it resets it. */
export function takeFocusRequest(): boolean {
  const value = focusOnNextScreen;
  focusOnNextScreen = false;
  return value;
}

/** A same-origin path that is safe to go back to after signing in. */
export function safeReturnPath(value: string | null): string | null {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if (value.startsWith("/sign-in")) return null;
  return value;
}

/** `pattern` like `/vehicles/:id`; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    })}/?$`,
  );
  const found = regex.exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? "")]));
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An ordinary link (so open-in-new-tab and copy-link work) that routes in place on a plain click. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== "_self") return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
