// The browser side of the Keystorm pages: the W3C Level 3 JSON helpers
// (PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON
// and credential.toJSON()) between the server's JSON and the WebAuthn API,
// so no base64url code lives here.  The page's state is mirrored in
// data-* attributes of <body> for tests and styling.
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);

  function show(text, kind) {
    const message = byId('message');
    if (!message) return;
    message.textContent = text;
    message.dataset.kind = kind || 'info';
  }

  // POSTs JSON; throws an Error carrying the API's error code.
  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = null;
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) {
      const error = new Error((data && data.error && data.error.message) || response.statusText);
      error.code = (data && data.error && data.error.code) || `http_${response.status}`;
      throw error;
    }
    return data;
  }

  async function authenticate(options) {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    return post('/v1/authentication/verify', credential.toJSON());
  }

  function signedIn(result) {
    byId('login-form').hidden = true;
    byId('passkey-button').hidden = true;
    byId('signed-in').hidden = false;
    byId('signed-in-user').textContent = result.username;
    byId('logout-link').href = `/logout?username=${encodeURIComponent(result.username)}`;
    show('Signed in.', 'ok');
    document.body.dataset.state = 'signed-in';
  }

  async function usernamelessLogin() {
    const options = await post('/v1/authentication/options', {});
    signedIn(await authenticate(options));
  }

  async function login(event) {
    event.preventDefault();
    const username = byId('username').value.trim();
    if (!username) return usernamelessLogin();
    const decision = await post('/v1/login/start', { username });
    document.body.dataset.action = decision.action;
    switch (decision.action) {
      case 'webauthn':
        return signedIn(await authenticate(decision.options));
      case 'register':
        window.location.assign(`/register?username=${encodeURIComponent(decision.username)}`);
        return undefined;
      case 'redirect':
        window.location.assign(decision.target);
        return undefined;
      case 'password':
        byId('login-form').hidden = true;
        byId('password-step').hidden = false;
        show('Enter your password to continue.', 'info');
        return undefined;
      default:
        show('This sign-in is not allowed.', 'error');
        return undefined;
    }
  }

  async function register(event) {
    event.preventDefault();
    const username = byId('username').value.trim();
    const displayName = byId('display-name').value.trim();
    const options = await post('/v1/registration/options',
      displayName ? { username, displayName } : { username });
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const credential = await navigator.credentials.create({ publicKey });
    const result = await post('/v1/registration/verify', credential.toJSON());
    byId('login-link').href = `/login?username=${encodeURIComponent(result.username)}`;
    show(`Passkey created for ${result.username}. You can sign in now.`, 'ok');
    document.body.dataset.state = 'registered';
  }

  // Runs an async step; a failure shows its message and code.
  const guarded = (step) => (event) => {
    delete document.body.dataset.error;
    step(event).catch((error) => {
      const code = error.code || error.name || 'error';
      document.body.dataset.error = code;
      show(`${error.message} (${code})`, 'error');
    });
  };

  document.addEventListener('DOMContentLoaded', () => {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
      show('This browser does not support passkeys (WebAuthn Level 3 JSON).', 'error');
    }
    const page = document.body.dataset.page;
    if (page === 'login') {
      byId('login-form').addEventListener('submit', guarded(login));
      byId('passkey-button').addEventListener('click', guarded(usernamelessLogin));
    } else if (page === 'register') {
      byId('register-form').addEventListener('submit', guarded(register));
    }
    document.body.dataset.ready = 'true';
  });
})();
