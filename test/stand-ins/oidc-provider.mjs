/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package, certified OIDC server),
 * on 127.0.0.1 with one confidential client. Its login page is a plain HTML form of our own (no
 * devInteractions): GET /interaction/<uid> shows it, POST /interaction/<uid>/login {email}
 * signs that account in. Consent is implied for the test client (a first-party client), so the
 * flow is: /auth → login form → /auth/<uid> → redirect_uri?code&state&iss.
 *
 * Accounts: any email signs in; `email_verified` is false when the address starts with
 * "unverified", and the name is the part before "@".
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const SCOPES = "openid email profile";

/**
 * @param {{ redirectUris: string[] }} options
 * @returns {Promise<{ issuer: string, clientId: string, clientSecret: string, close: () => Promise<void> }>}
 */
export async function startOidcProvider({ redirectUris }) {
  const clientId = "fleetpulse-test";
  const clientSecret = randomBytes(24).toString("base64url");
  let handler = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-1", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    scopes: ["openid", "email", "profile"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: !id.startsWith("unverified"), name: id.split("@")[0] };
        },
      };
    },
    // The test client is first-party: its grant covers the scopes without a consent screen.
    async loadExistingGrant(ctx) {
      const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(SCOPES);
      await grant.save();
      return grant;
    },
  });
  const providerCallback = provider.callback();

  handler = async (req, res) => {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (!match) return providerCallback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (match[2] && req.method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        const email = form.get("email")?.trim();
        if (!email) return res.writeHead(400, { "content-type": "text/plain" }).end("email is required");
        return provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false });
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><title>Sign in</title><p>${details.prompt.name}</p>` +
          `<form method="post" action="/interaction/${details.uid}/login"><input name="email" type="email"><button>Sign in</button></form>`,
      );
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" }).end(String(error?.message ?? error));
    }
  };

  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
