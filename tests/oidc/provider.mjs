// A real OpenID Connect provider for the tests: panva's certified `oidc-provider` on loopback.
//
//   node tests/oidc/provider.mjs PORT ACCOUNTS_JSON APP_BASE_URL...
//
// Issuer http://127.0.0.1:PORT. One confidential client, "iop" (secret "iop-test-secret"): authorization code
// flow, PKCE required, redirect URI APP_BASE_URL/login/oidc/callback and post-logout redirect URI
// APP_BASE_URL/login/oidc/logged-out for each base given. The log-in page asks for a user name and password from
// ACCOUNTS_JSON, which is read again at every request so that a test can change someone's groups:
//
//   {"olle": {"password": "...", "sub": "...", "claims": {"name": "...", "groups": ["..."]}}, ...}
//
// Consent is implied for this first-party client. Pages are in Swedish, like the municipalities' own.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [portText, accountsPath, ...appBases] = process.argv.slice(2);
const port = Number(portText);
if (!Number.isInteger(port) || port <= 0 || !accountsPath || appBases.length === 0) {
  console.error('usage: node provider.mjs PORT ACCOUNTS_JSON APP_BASE_URL...');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

function accounts() {
  return JSON.parse(readFileSync(accountsPath, 'utf8'));
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function page(title, body) {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem;color:#4b1d6b}label{display:block;margin-top:1rem}input{font-size:1rem;padding:.4rem;width:100%}
button{margin-top:1rem;margin-right:.5rem;font-size:1rem;padding:.5rem 1rem}.error{color:#b00020}
.brand{border-bottom:4px solid #4b1d6b;padding-bottom:.5rem;margin-bottom:1.5rem;font-weight:bold}</style>
</head><body><div class="brand">Kommunens inloggningstjänst (test)</div>${body}</body></html>`;
}

const configuration = {
  clients: [{
    client_id: 'iop',
    client_secret: 'iop-test-secret',
    client_name: 'IOP',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: appBases.map((base) => `${base}/login/oidc/callback`),
    post_logout_redirect_uris: appBases.map((base) => `${base}/login/oidc/logged-out`),
  }],
  pkce: { required: () => true },
  cookies: { keys: ['iop-test-cookie-key-not-secret'] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'groups'],
    email: ['email', 'email_verified'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Logga ut', `<h1>Vill du logga ut från kommunens inloggningstjänst?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
<button type="submit" form="op.logoutForm">Nej, förbli inloggad</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Utloggad', '<h1>Du är utloggad från kommunens inloggningstjänst.</h1>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fel', `<h1>Något gick fel</h1><p class="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
  async findAccount(ctx, sub) {
    const bySub = () => Object.values(accounts()).find((account) => account.sub === sub);
    if (!bySub()) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...(bySub()?.claims || {}), sub };  // read when the token is made: the groups of that moment
      },
    };
  },
  // a first-party client: the person consented by logging in
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
const handle = provider.callback();

function loginForm(uid, error = '', username = '') {
  return page('Logga in', `<h1>Logga in</h1>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
  <label for="username">Användarnamn</label><input id="username" name="username" value="${escape(username)}">
  <label for="password">Lösenord</label><input id="password" name="password" type="password">
  <button type="submit">Logga in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Avbryt</button></form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Fel', '<h1>Fel inloggning</h1>'));
  if (req.method === 'GET' && !action) return send(res, 200, loginForm(uid));
  if (req.method !== 'POST') return send(res, 405, page('Fel', '<h1>Fel metod</h1>'));
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }
  const form = await readForm(req);
  const username = form.get('username') || '';
  const account = accounts()[username];
  if (!account || account.password !== form.get('password')) {
    return send(res, 401, loginForm(uid, 'Fel användarnamn eller lösenord.', username));
  }
  return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return handle(req, res);
  interaction(req, res, match[1], match[2]).catch((err) => {
    send(res, 400, page('Fel', `<h1>Inloggningen gick inte</h1><p class="error">${escape(err.message)}</p>`));
  });
  return undefined;
});

server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
