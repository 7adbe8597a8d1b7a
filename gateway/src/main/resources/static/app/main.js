// Servelink customer dashboard: a hash-routed single page on the public API (docs/dashboard.md), plus one page at a
// path of its own: /billing/payments/{id}, where the payment provider returns the payer after a card checkout.
import { session, devToken, whenUnauthenticated } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { h, clear } from './dom.js';
import { usageView } from './views/usage.js';
import { billingView } from './views/billing.js';
import { addonsView } from './views/addons.js';
import { supportView } from './views/support.js';
import { analyticsView } from './views/analytics.js';
import { paymentOutcomeView } from './views/payment.js';
import { errorBox } from './views/common.js';

const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
const TEAM_KEY = 'servelink.team';

const views = { usage: usageView, billing: billingView, addons: addonsView, support: supportView, analytics: analyticsView };
/** The payment outcome page (the gateway serves this shell there too); its id, or null on any other path. */
const PAYMENT_PAGE = /^\/billing\/payments\/([^/]+)\/?$/;

function paymentPageId() {
  const match = location.pathname.match(PAYMENT_PAGE);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** What every view gets: the team, API access, announcements for screen readers, a way to stop its timers. */
function context(params) {
  const cleanups = [];
  return {
    team: currentTeam(),
    role: (session.claims()?.teams || {})[currentTeam()],
    params,
    announce,
    navigate: (hash) => { location.hash = hash; },
    /** Makes this team the current one (if the token has it), e.g. the team of the payment shown. */
    selectTeam: (slug) => { if (teams().includes(slug)) sessionStorage.setItem(TEAM_KEY, slug); },
    onLeave: (fn) => cleanups.push(fn),
    cleanups,
  };
}

let active = null;

export function announce(message) {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

function teams() {
  return Object.keys(session.claims()?.teams || {}).sort();
}

function currentTeam() {
  const all = teams();
  const saved = sessionStorage.getItem(TEAM_KEY);
  return all.includes(saved) ? saved : all[0];
}

function translateStatic() {
  document.title = t('app.title');
  document.getElementById('skip-link').textContent = t('app.skip');
  document.getElementById('nav').setAttribute('aria-label', t('nav.label'));
  document.querySelectorAll('[data-i18n]').forEach((element) => { element.textContent = t(element.dataset.i18n); });
  document.getElementById('lang-select').value = lang();
}

function renderChrome() {
  const claims = session.claims();
  const signedIn = Boolean(claims);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('who').textContent = signedIn ? t('signin.as', { who: claims.email || claims.sub }) : '';
  const picker = document.getElementById('team-picker');
  const select = document.getElementById('team-select');
  const all = teams();
  picker.hidden = !signedIn || all.length < 2;
  select.replaceChildren(...all.map((slug) => h('option', { value: slug }, slug)));
  if (all.length) select.value = currentTeam();
}

async function route() {
  if (active) active.cleanups.forEach((fn) => fn());
  active = null;
  renderChrome();
  const paymentId = paymentPageId();
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  if (paymentId !== null && views[name]) {
    // a hash route from the payment page (the app's pages live at "/"): go there
    location.replace(`/${location.hash}`);
    return;
  }
  const claims = session.claims();
  if (!claims || teams().length === 0) {
    await signInView(claims && teams().length === 0 ? t('signin.noteams') : null, paymentId !== null ? t('outcome.signin') : null);
    return;
  }
  const view = paymentId !== null ? null : views[name] ? name : 'usage';
  document.querySelectorAll('#nav a').forEach((link) => {
    if (link.dataset.route === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  const ctx = context(paymentId !== null ? [paymentId] : rest.filter(Boolean));
  active = ctx;
  clear(main).append(h('p', { class: 'muted' }, t('common.loading')));
  try {
    const content = await (paymentId !== null ? paymentOutcomeView : views[view])(ctx);
    if (active !== ctx) return;
    clear(main).append(content);
  } catch (error) {
    if (active !== ctx) return;
    clear(main).append(errorBox(error, route));
  }
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (document.activeElement === document.body || document.activeElement?.closest('nav')) heading.focus();
  }
}

async function signInView(message, intro) {
  const tokenInput = h('textarea', { id: 'token-input', rows: 3, autocomplete: 'off', spellcheck: 'false' });
  const error = h('p', { class: 'field-error', role: 'alert' }, message || '');
  const demo = h('button', { type: 'button', id: 'demo-sign-in', hidden: true }, t('signin.demo'));
  demo.addEventListener('click', async () => {
    demo.disabled = true;
    const token = await devToken('team=demo&role=owner');
    demo.disabled = false;
    if (token) signIn(token);
  });
  const form = h('form', { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signin.title')),
    intro ? h('p', { class: 'notice', 'data-testid': 'signin-reason' }, intro) : null,
    h('p', {}, t('signin.intro')),
    h('div', { class: 'actions' }, demo),
    h('label', { for: 'token-input' }, t('signin.token')), tokenInput, error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, t('signin.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    session.signIn(token);
    if (!session.claims()) {
      session.signOut();
      error.textContent = t('signin.invalid');
      tokenInput.focus();
      return;
    }
    signIn(token);
  });
  clear(main).append(form);
  // The demo button exists only where /dev/token does (the test-tokens profile of the end-to-end tests); elsewhere it answers 404.
  const probe = await fetch('/dev/token?team=demo&role=member', { method: 'GET' }).catch(() => null);
  demo.hidden = !(probe && probe.ok);
}

function signIn(token) {
  session.signIn(token);
  if (paymentPageId() === null && (!location.hash || location.hash === '#/')) location.hash = '#/usage';
  else route();
  announce(t('signin.as', { who: session.claims()?.email || session.claims()?.sub }));
}

function start() {
  setLang(lang());
  translateStatic();
  document.getElementById('lang-select').addEventListener('change', (event) => {
    setLang(event.target.value);
    translateStatic();
    route();
  });
  document.getElementById('team-select').addEventListener('change', (event) => {
    sessionStorage.setItem(TEAM_KEY, event.target.value);
    route();
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    session.signOut();
    location.hash = '';
    route();
  });
  whenUnauthenticated(() => {
    session.signOut();
    route().then(() => announce(t('common.session_expired')));
  });
  window.addEventListener('hashchange', route);
  route();
}

start();
