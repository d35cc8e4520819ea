import { type ReactNode, useEffect, useRef } from "react";
import { takeFocusRequest } from "./router";

export const PAGE_TITLE_ID = "page-title";

/** A screen: sets the document title and, when reached by navigation, moves focus to its heading. */
export function Page({ title, children, intro }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — FleetPulse`;
    if (takeFocusRequest()) heading.current?.focus();
  }, [title]);
  return (
    <div className="page">
      <h1 id={PAGE_TITLE_ID} ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </div>
  );
}

/** Loading and error states of a screen's data, announced politely. */
export function Status({ children, error = false }: { children: ReactNode; error?: boolean }) {
  return (
    <p className={error ? "status status-error" : "status"} role={error ? "alert" : "status"}>
      {error ? <strong>Error: </strong> : null}
      {children}
    </p>
  );
}
