/**
 * Catches a part of the app that failed to render — above all a lazy chunk (or its CSS) that
 * could not be fetched offline before the service worker cached it — so the rest of the screen,
 * the navigation included, stays usable instead of the whole app going blank.
 */
import { Component, type ReactNode } from "react";
import { Status } from "./page";

interface Props {
  children: ReactNode;
  /** Words for what failed: "This screen", "The users". */
  what: string;
}

export class LoadBoundary extends Component<Props, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    const offline = typeof navigator !== "undefined" && !navigator.onLine;
    return (
      <Status error>
        {this.props.what} could not be loaded.{" "}
        {offline ? "You are offline: it loads once you are back online and open it again." : "Reload the page to try again."}
      </Status>
    );
  }
}
