import type { ReactNode } from "react";

/**
 * A table that may be wider than a phone: its scroll box is a region named by the caption and
 * takes keyboard focus, so it can be scrolled without a mouse (WCAG 2.1.1; axe
 * `scrollable-region-focusable`). `children` are the table's head and body.
 */
export function ScrollTable({
  captionId,
  caption,
  className,
  children,
}: {
  captionId: string;
  caption: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={className}>
        <caption id={captionId}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
