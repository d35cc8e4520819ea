import { Page } from "../page";
import { Link } from "../router";
import { session } from "../session";

/** Any address without a screen, or a screen the signed-in role may not open. */
export function NotFound() {
  const user = session.get()?.user;
  return (
    <Page title="Page not found">
      <p>There is no screen at this address{user ? " for your role" : ""}.</p>
      <p>
        <Link href="/">Go to the start screen</Link>
      </p>
    </Page>
  );
}
