// Sign-in for company users (the accounts of the publishing API): contact details appear once
// signed in. Tokens are kept in localStorage; the access token is refreshed when it expires.
import { graphql, saveTokens, session, signedIn } from './api.js';
import { t } from './i18n.js';
import { go } from './router.js';
import { failure, h, heading } from './ui.js';

const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken user { displayName } userErrors { message code } }
}`;

/** Only paths of this site, so a crafted link cannot send people elsewhere after signing in. */
const safeNext = (next) => (next && /^\/(?!\/)/.test(next) ? next : '/');

export function signInPage(main, params) {
  const problem = h('div', { role: 'alert' });
  const email = h('input', { type: 'email', id: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    class: 'sign-in',
    onSubmit: async (event) => {
      event.preventDefault();
      problem.replaceChildren();
      try {
        const { login } = await graphql(LOGIN, { input: { email: email.value.trim(), password: password.value } });
        if (login.accessToken) {
          saveTokens({ accessToken: login.accessToken, refreshToken: login.refreshToken, name: login.user.displayName });
          renderAccount();
          go(safeNext(params.get('next')));
        } else {
          problem.replaceChildren(h('p', { class: 'notice error' }, login.userErrors[0]?.code === 'INVALID_CREDENTIALS' ? t('signInFailed') : login.userErrors[0]?.message ?? t('signInFailed')));
        }
      } catch (error) {
        problem.replaceChildren(failure(error));
      }
    },
  },
  h('div', {}, h('label', { for: 'email' }, t('email')), email),
  h('div', {}, h('label', { for: 'password' }, t('password')), password),
  problem,
  h('div', {}, h('button', { type: 'submit', class: 'primary' }, t('signInButton'))));
  main.replaceChildren(heading(t('signInTitle')), h('p', {}, t('signInIntro')), form);
}

/** The header's account corner: a sign-in link, or who is signed in and a sign-out button. */
export function renderAccount() {
  const corner = document.getElementById('account');
  if (!corner) return;
  if (!signedIn()) {
    corner.replaceChildren(h('a', { href: `/connexion?next=${encodeURIComponent(location.pathname + location.search)}` }, t('signIn')));
    return;
  }
  const name = session()?.name ?? '';
  corner.replaceChildren(
    h('span', {}, t('hello', { name })), ' ',
    h('button', {
      type: 'button', id: 'sign-out',
      onClick: async () => {
        try {
          const token = session()?.refreshToken;
          if (token) await graphql('mutation Logout($token: String!) { logout(refreshToken: $token) }', { token });
        } catch {
          // Signing out locally is what matters to the person at the keyboard.
        }
        saveTokens(null);
        renderAccount();
        go(location.href, { replace: true });
      },
    }, t('signOut')));
}
