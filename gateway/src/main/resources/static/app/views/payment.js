// The payment outcome page, /billing/payments/{payment_id}: where the payment provider returns the payer's browser
// after a card checkout (payment-service's return_url). Shows what was paid and how it ended; while the payment is
// still open it checks the status again every few seconds until it is final.
import { api } from '../api.js';
import { t, formatDate, formatMoney, formatTime } from '../i18n.js';
import { h } from '../dom.js';
import { badge, failureReason, path } from './common.js';

const FINAL = ['completed', 'failed', 'cancelled'];
const OPEN = ['pending', 'processing'];
export const POLL_MS = 3000;

export async function paymentOutcomeView(ctx) {
  const id = ctx.params[0] || '';
  let payment;
  try {
    payment = await api(path`/api/payments/${id}/status`);
  } catch (error) {
    // 404: no such payment, or one of a team the caller is not in (the API does not tell them apart); 400: not an id
    if (error.status === 404 || error.status === 400) return notFound(ctx, id);
    throw error;
  }
  if (payment.team_slug) ctx.selectTeam(payment.team_slug);

  const title = h('h1', { id: 'outcome-title', 'data-testid': 'outcome-title' });
  // Not a live region: a change of status is announced once (ctx.announce), the "last checked" time never.
  const message = h('div', { 'data-testid': 'outcome-message' });
  const checked = h('p', { class: 'muted', 'data-testid': 'outcome-checked' });
  const facts = h('dl', { class: 'facts', 'data-testid': 'outcome-facts' });
  const actions = h('div', { class: 'actions' });
  const root = h('section', { class: 'outcome', 'aria-labelledby': 'outcome-title', 'data-testid': 'payment-outcome' },
    title, h('div', { class: 'card' }, message, checked, facts), actions);

  let shown = null;
  const show = (current) => {
    checked.hidden = !OPEN.includes(current.status);
    checked.textContent = t('outcome.checked', { time: formatTime(new Date()) });
    const version = `${current.status}|${current.updated_at}|${current.flagged_mismatch}`;
    if (version === shown) return; // unchanged: leave the page as it is (a selection, the reader's place)
    const before = root.dataset.status;
    root.dataset.status = current.status;
    title.textContent = heading(current.status);
    document.title = `${title.textContent} – ${t('app.title')}`;
    message.replaceChildren(...explanation(current));
    facts.replaceChildren(...details(current));
    actions.replaceChildren(...backLinks(current));
    if (shown !== null && before !== current.status) ctx.announce(heading(current.status));
    shown = version;
  };
  show(payment);
  ctx.onLeave(() => { document.title = t('app.title'); });
  if (!FINAL.includes(payment.status)) follow(ctx, payment, show);
  return root;
}

/** Checks the status again every few seconds while the payment is open; stops when it is final or the page goes. */
function follow(ctx, payment, show) {
  let stopped = false;
  let timer = null;
  ctx.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });
  const poll = async () => {
    if (stopped) return;
    try {
      const current = await api(path`/api/payments/${payment.payment_id}/status`);
      if (stopped) return;
      show(current);
      if (FINAL.includes(current.status)) return;
    } catch (error) {
      // signed out (the app shows the sign-in) or the payment is gone for this caller: nothing more to follow
      if (error.status === 401 || error.status === 404) return;
      // anything else (network, 5xx): try again at the next tick
    }
    timer = setTimeout(poll, POLL_MS);
  };
  timer = setTimeout(poll, POLL_MS);
}

function heading(status) {
  if (status === 'completed') return t('outcome.title.completed');
  if (status === 'failed') return t('outcome.title.failed');
  if (status === 'cancelled') return t('outcome.title.cancelled');
  if (OPEN.includes(status)) return t('outcome.title.waiting');
  return t('outcome.title.other');
}

function explanation(payment) {
  const parts = [];
  const what = payment.description || t('outcome.this_payment');
  if (payment.status === 'completed') {
    parts.push(h('p', { class: 'notice success' }, t('outcome.completed', { description: what })),
      h('p', {}, t(purposeKey(payment.purpose))));
  } else if (payment.status === 'failed') {
    parts.push(h('p', { class: 'notice error' }, t('outcome.failed', { reason: failureReason(payment.failure_reason) })),
      h('p', {}, t('outcome.try_again')));
  } else if (payment.status === 'cancelled') {
    parts.push(h('p', { class: 'notice error' }, t('outcome.cancelled')), h('p', {}, t('outcome.try_again')));
  } else {
    parts.push(h('p', { class: 'notice' }, t('outcome.waiting')));
  }
  if (payment.flagged_mismatch) parts.push(h('p', { class: 'notice error', 'data-testid': 'outcome-flagged' }, t('outcome.flagged')));
  return parts;
}

function purposeKey(purpose) {
  if (purpose === 'plan_upgrade') return 'outcome.next.plan_upgrade';
  if (purpose === 'renewal') return 'outcome.next.renewal';
  if (purpose === 'addon') return 'outcome.next.addon';
  return 'outcome.next.other';
}

/** The payment's facts as term/description pairs; a fact the API did not give is left out, never shown empty. */
function details(payment) {
  const rows = [
    ['outcome.description', payment.description, 'outcome-description'],
    ['outcome.amount', Number.isFinite(payment.amount_minor) && payment.currency
      ? formatMoney(payment.amount_minor, payment.currency) : null, 'outcome-amount'],
    ['outcome.method', payment.payment_method ? methodName(payment.payment_method) : null, 'outcome-method'],
    ['outcome.status', payment.status ? badge(payment.status) : null, 'outcome-status'],
    ['outcome.team', payment.team_slug, 'outcome-team'],
    ['outcome.started', payment.created_at ? formatDate(payment.created_at, true) : null, 'outcome-started'],
    ['outcome.settled', payment.settled_at && FINAL.includes(payment.status) ? formatDate(payment.settled_at, true) : null,
      'outcome-settled'],
    ['outcome.reference', payment.payment_id, 'outcome-reference'],
  ];
  return rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .flatMap(([key, value, testId]) => [h('dt', {}, t(key)), h('dd', { 'data-testid': testId }, value)]);
}

function methodName(method) {
  return ['mobile_money', 'credit_card'].includes(method) ? t(`pay.${method}`) : method;
}

function backLinks(payment) {
  const links = [h('a', { class: 'button', href: '/#/billing', 'data-testid': 'back-to-billing' }, t('outcome.back'))];
  if (payment && payment.purpose === 'addon' && payment.status === 'completed') {
    links.push(h('a', { class: 'button secondary', href: '/#/addons' }, t('outcome.to_addons')));
  }
  return links;
}

function notFound(ctx, id) {
  document.title = `${t('outcome.not_found')} – ${t('app.title')}`;
  ctx.onLeave(() => { document.title = t('app.title'); });
  return h('section', { class: 'outcome', 'aria-labelledby': 'outcome-title', 'data-testid': 'payment-outcome', 'data-status': 'not_found' },
    h('h1', { id: 'outcome-title', 'data-testid': 'outcome-title' }, t('outcome.not_found')),
    h('div', { class: 'card' },
      h('p', { class: 'notice error', role: 'alert', 'data-testid': 'outcome-message' }, t('outcome.not_found_detail')),
      id ? h('p', { class: 'muted' }, t('outcome.reference_was', { id })) : null),
    h('div', { class: 'actions' }, backLinks(null)));
}
