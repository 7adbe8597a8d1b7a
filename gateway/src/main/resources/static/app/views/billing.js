// Plan (Free/Pro), the upgrade through the payment provider, and the payment history (paged).
import { api, download } from '../api.js';
import { t, formatDate, formatMoney } from '../i18n.js';
import { h, field } from '../dom.js';
import { badge, errorBox, failureReason, followPayment, pager, paymentMethodFields, planName, path } from './common.js';

const PAGE_SIZE = 10;

export async function billingView(ctx) {
  const limits = await api(path`/api/resources/${ctx.team}/limits`);
  const history = h('div', { class: 'card', 'data-testid': 'history' });
  const root = h('section', { 'aria-labelledby': 'billing-title' },
    h('h1', { id: 'billing-title' }, t('billing.title')),
    planCard(ctx, limits, () => showHistory(ctx, history, 0)),
    await spendControlCard(ctx),
    history);
  await showHistory(ctx, history, 0);
  return root;
}

function planCard(ctx, limits, refreshHistory) {
  const planLine = h('p', { 'data-testid': 'current-plan', 'data-plan': limits.plan },
    t('billing.current', { plan: planName(limits.plan) }));
  const card = h('div', { class: 'card', 'data-testid': 'plan-card' }, h('h2', {}, planName(limits.plan)), planLine);
  const isPro = limits.plan === 'pro';
  if (isPro) card.append(h('p', {}, t('billing.is_pro', { date: formatDate(limits.valid_until) })));
  else card.append(h('p', {}, t('billing.upgrade_intro')));
  const canPay = ['owner', 'admin'].includes(ctx.role);
  if (!canPay) return card;

  const methods = paymentMethodFields();
  const follow = h('div', { 'data-testid': 'upgrade-progress' });
  const submit = h('button', { type: 'submit', 'data-testid': 'pay-upgrade' }, t('pay.submit'));
  const form = h('form', { hidden: true, 'aria-label': t('billing.upgrade') }, methods.elements, h('div', { class: 'actions' }, submit));
  const open = h('button', { type: 'button', 'data-testid': 'upgrade', 'aria-expanded': 'false' },
    isPro ? t('billing.renew') : t('billing.upgrade'));
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input').focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = methods.read();
    if (!choice) return;
    submit.disabled = true;
    try {
      const payment = await api(path`/api/resources/${ctx.team}/upgrade`, { method: 'POST', body: choice });
      ctx.announce(t('pay.started'));
      const final = await followPayment(payment, follow, ctx);
      refreshHistory();
      if (final.status === 'completed' && await awaitPro(ctx, follow, planLine)) {
        card.querySelector('h2').textContent = planName('pro');
        form.hidden = true;
        open.hidden = true;
      }
      else follow.append(h('p', { class: 'notice error', role: 'alert' },
        final.status === 'failed' ? t('pay.failed', { reason: failureReason(final.failure_reason) }) : t('pay.cancelled')));
    } catch (error) {
      if (error.problem) methods.showProblem(error.problem);
      else follow.append(errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  card.append(h('div', { class: 'actions' }, open), form, follow);
  return card;
}

/** The traffic policy of the plan and, on a plan that serves past the limit, the owner's hard cap. */
async function spendControlCard(ctx) {
  const control = await api(path`/api/resources/${ctx.team}/spend-control`);
  const card = h('div', { class: 'card', 'data-testid': 'spend-control', 'data-policy': control.traffic_policy },
    h('h2', {}, t('spend.title')));
  if (control.traffic_policy === 'stop') {
    card.append(h('p', {}, t('spend.stop')));
    return card;
  }
  const current = h('p', { 'data-testid': 'hard-cap', 'data-percent': control.traffic_hard_cap_percent ?? '' },
    control.traffic_hard_cap_percent != null ? t('spend.current', { percent: control.traffic_hard_cap_percent }) : t('spend.none'));
  card.append(h('p', {}, t('spend.soft')), current);
  if (ctx.role !== 'owner') {
    card.append(h('p', { class: 'muted' }, t('spend.owner_only')));
    return card;
  }
  const input = h('input', { type: 'number', min: 100, max: 1000, step: 1, required: true, name: 'traffic_hard_cap_percent',
    'data-testid': 'hard-cap-input', value: control.traffic_hard_cap_percent ?? 100 });
  const status = h('div', { role: 'status', 'aria-live': 'polite' });
  const save = async (percent) => {
    status.replaceChildren();
    try {
      const saved = await api(path`/api/resources/${ctx.team}/spend-control`, { method: 'PUT', body: { traffic_hard_cap_percent: percent } });
      current.dataset.percent = saved.traffic_hard_cap_percent ?? '';
      current.textContent = saved.traffic_hard_cap_percent != null
        ? t('spend.current', { percent: saved.traffic_hard_cap_percent }) : t('spend.none');
      status.append(h('p', { class: 'notice success', 'data-testid': 'hard-cap-saved' }, t('spend.saved')));
      ctx.announce(t('spend.saved'));
    } catch (error) {
      status.append(errorBox(error));
    }
  };
  const form = h('form', { 'aria-label': t('spend.title') },
    field(t('spend.percent'), input),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-testid': 'hard-cap-save' }, t('spend.save')),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'hard-cap-remove', onclick: () => save(null) }, t('spend.remove'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.reportValidity()) return;
    save(Number.parseInt(input.value, 10));
  });
  card.append(form, status);
  return card;
}

/** The plan changes when resources-service has consumed the completion: poll the limits until it shows Pro. */
async function awaitPro(ctx, box, planLine) {
  const waiting = h('p', { class: 'notice' }, t('pay.waiting_plan'));
  box.append(waiting);
  for (let attempt = 0; attempt < 60; attempt++) {
    const limits = await api(path`/api/resources/${ctx.team}/limits`);
    if (limits.plan === 'pro') {
      planLine.textContent = t('billing.current', { plan: planName('pro') });
      planLine.dataset.plan = 'pro';
      waiting.replaceWith(h('p', { class: 'notice success', 'data-testid': 'now-pro' }, t('pay.now_pro')));
      ctx.announce(t('pay.now_pro'));
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

async function showHistory(ctx, box, page) {
  const result = await api(`${path`/api/payments/${ctx.team}/history`}?page=${page}&size=${PAGE_SIZE}`);
  const rows = result.items.map((payment) => h('tr', { 'data-testid': 'payment-row', 'data-status': payment.status },
    h('td', { 'data-label': t('history.date') }, formatDate(payment.created_at, true)),
    h('td', { 'data-label': t('history.description') }, payment.description),
    h('td', { class: 'num', 'data-label': t('history.amount') }, formatMoney(payment.amount_minor, payment.currency)),
    h('td', { 'data-label': t('history.method') }, t(`pay.${payment.payment_method}`)),
    h('td', { 'data-label': t('history.status') }, badge(payment.status)),
    h('td', { 'data-label': t('history.invoice') }, payment.status === 'completed'
      ? h('button', { type: 'button', class: 'secondary', onclick: () => download(
        path`/api/payments/${payment.payment_id}/invoice.pdf`, `invoice-${payment.payment_id}.pdf`) }, t('history.download_invoice'))
      : '')));
  box.replaceChildren(h('h2', {}, t('history.title')),
    result.items.length === 0 ? h('p', {}, t('common.none')) : h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', {}, h('tr', {}, ['history.date', 'history.description', 'history.amount', 'history.method', 'history.status', 'history.invoice']
        .map((key) => h('th', { scope: 'col', class: key === 'history.amount' ? 'num' : null }, t(key))))),
      h('tbody', {}, rows))),
    result.total > PAGE_SIZE ? pager(page, PAGE_SIZE, result.total, (next) => showHistory(ctx, box, next)) : '');
}
