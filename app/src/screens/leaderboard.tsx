/**
 * Leaderboard: drivers or technicians ranked by points, with badges; says so when the
 * organisation hides it, and lets the user opt out of (or back into) it.
 */
import type { InferResponseType } from "hono/client";
import { useState } from "react";
import { client, describeError, unwrap } from "../api";
import type { Client } from "../api-types";
import { formatNumber } from "../format";
import { Page, Status } from "../page";
import { Link, useSearch } from "../router";
import { ScrollTable } from "../scroll-table";
import { useApi } from "../use-api";
import "../analytics.css";

type Board = InferResponseType<Client["api"]["leaderboard"]["$get"], 200>;
type Own = InferResponseType<Client["api"]["me"]["engagement"]["$get"], 200>;
const KINDS = [
  { kind: "drivers", label: "Drivers" },
  { kind: "technicians", label: "Technicians" },
] as const;
type Kind = (typeof KINDS)[number]["kind"];

function Ranking({ board }: { board: Board }) {
  const drivers = board.kind === "drivers";
  if (!board.items.length)
    return <p className="empty">{board.hidden ? "The leaderboard is not shown." : "Nobody is on this board yet."}</p>;
  return (
    <ScrollTable captionId="board-caption" caption={<>{drivers ? "Drivers" : "Technicians"} ranked by points</>}>
      <thead>
        <tr>
          <th scope="col" className="numeric">
            Rank
          </th>
          <th scope="col">Name</th>
          <th scope="col" className="numeric">
            Points
          </th>
          <th scope="col" className="numeric">
            {drivers ? "Days without a safety alert" : "On-time streak"}
          </th>
          {drivers ? (
            <th scope="col" className="numeric">
              Safety score
            </th>
          ) : null}
          <th scope="col">Badges</th>
        </tr>
      </thead>
      <tbody>
        {board.items.map((item) => (
          <tr key={item.userId}>
            <td className="numeric">{item.rank}</td>
            <th scope="row">{item.name}</th>
            <td className="numeric">{formatNumber(item.points)}</td>
            <td className="numeric">{formatNumber(item.streak)}</td>
            {drivers ? <td className="numeric">{formatNumber(item.safetyScore ?? null)}</td> : null}
            <td>
              {item.badges.length ? (
                <ul className="badges">
                  {item.badges.map((b) => (
                    <li key={b.id}>{b.name}</li>
                  ))}
                </ul>
              ) : (
                "none yet"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}

/** The user's own standing and the opt-out switch. */
function OwnStanding() {
  const own = useApi("engagement:me", () => unwrap(client.api.me.engagement.$get()));
  const [changed, setChanged] = useState<Own | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const me = changed ?? own.data;

  async function toggle() {
    if (!me) return;
    setBusy(true);
    setError(null);
    try {
      setChanged(await unwrap(client.api.me.engagement.$put({ json: { optedOut: !me.optedOut } })));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="own-heading">
      <h2 id="own-heading">You</h2>
      {own.state === "loading" ? <Status>Loading your points…</Status> : null}
      {own.state === "error" ? <Status error>{describeError(own.error)}</Status> : null}
      {me ? (
        <>
          <p role="status">
            {me.optedOut
              ? "You have opted out: you are not listed, your badges are private and you earn no points."
              : `You have ${formatNumber(me.points)} points and ${me.badges.length} badge${me.badges.length === 1 ? "" : "s"}${me.badges.length ? ` (${me.badges.map((b) => b.name).join(", ")})` : ""}.`}
          </p>
          <button type="button" className="button" onClick={toggle} disabled={busy}>
            {me.optedOut ? "Join the leaderboard" : "Opt out of the leaderboard"}
          </button>
          {error ? <Status error>{error}</Status> : null}
        </>
      ) : null}
    </section>
  );
}

export default function Leaderboard() {
  const search = useSearch();
  const kind: Kind = search.get("kind") === "technicians" ? "technicians" : "drivers";
  const board = useApi(`leaderboard:${kind}`, () => unwrap(client.api.leaderboard.$get({ query: { kind } })));
  return (
    <Page title="Leaderboard" intro="Points for safe driving days and on-time work, and the badges earned.">
      <nav aria-label="Leaderboard kind">
        <ul className="kind-switch">
          {KINDS.map((k) => (
            <li key={k.kind}>
              <Link href={`/leaderboard?kind=${k.kind}`} aria-current={k.kind === kind ? "page" : undefined}>
                {k.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {board.state === "loading" ? <Status>Loading the leaderboard…</Status> : null}
      {board.state === "error" ? <Status error>{describeError(board.error)}</Status> : null}
      {board.data?.hidden ? (
        <p className="notice">
          Your organisation has hidden the leaderboard
          {board.data.items.length ? " from drivers and technicians; as a manager you still see it" : ""}.
        </p>
      ) : null}
      {board.data ? <Ranking board={board.data} /> : null}
      <OwnStanding />
    </Page>
  );
}
