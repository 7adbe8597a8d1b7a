// Add-ons: buy (Pro teams), follow the payment, see the limits grow; list and cancel.
import { api } from '../api.js';
import { t, formatDate, formatMoney } from '../i18n.js';
import { h, field } from '../dom.js';
import { badge, errorBox, failureReason, followPayment, paymentMethodFields, path } from './common.js';
import { limitsCard } from './usage.js';

export async function addonsView(ctx) {
  const [available, limits] = await Promise.all([
    api(path`/api/resources/${ctx.team}/available`),
    api(path`/api/resources/${ctx.team}/limits`),
  ]);
  const limitsBox = h('div', {}, limitsCard(limits));
  const list = h('div', { class: 'card', 'data-testid': 'addon-list' });
  const root = h('section', { 'aria-labelledby': 'addons-title' },
    h('h1', { id: 'addons-title' }, t('addons.title')),
    h('div', { class: 'grid' }, buyCard(ctx, available, limitsBox, list), limitsBox),
    list);
  await showList(ctx, list);
  return root;
}

function buyCard(ctx, available, limitsBox, list) {
  const card = h('div', { class: 'card', 'data-testid': 'buy-addon' }, h('h2', {}, t('addons.buy')));
  if (!available.can_purchase) {
    card.append(h('p', { class: 'notice', 'data-testid': 'pro-only' }, t('addons.pro_only'), ' ',
      h('a', { href: '#/billing' }, t('billing.upgrade'))));
    return card;
  }
  if (!['owner', 'admin'].includes(ctx.role)) return card;
  const type = h('select', { name: 'resource_type', class: 'wide', 'data-testid': 'addon-type' },
    available.addons.map((addon) => h('option', { value: addon.resource_type },
      `${t(`addon.${addon.resource_type}`)} — ${t('addons.price', { price: formatMoney(addon.price_minor, addon.currency) })}`)));
  const quantity = h('input', { type: 'number', name: 'quantity', min: available.min_quantity, max: available.max_quantity,
    value: 1, required: true, 'data-testid': 'addon-quantity' });
  const methods = paymentMethodFields();
  const submit = h('button', { type: 'submit', 'data-testid': 'buy' }, t('pay.submit'));
  const follow = h('div', { 'data-testid': 'addon-progress' });
  const form = h('form', {}, field(t('addons.type'), type), field(t('addons.quantity'), quantity), methods.elements,
    h('div', { class: 'actions' }, submit), follow);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = methods.read();
    if (!choice) return;
    submit.disabled = true;
    try {
      const before = (await api(path`/api/resources/${ctx.team}/limits`)).version;
      const bought = await api(path`/api/resources/${ctx.team}/purchase`, {
        method: 'POST', body: { resource_type: type.value, quantity: Number(quantity.value), ...choice } });
      ctx.announce(t('pay.started'));
      await showList(ctx, list);
      const final = await followPayment(bought.payment, follow, ctx);
      if (final.status === 'completed') {
        const limits = await awaitNewLimits(ctx, before);
        limitsBox.replaceChildren(limitsCard(limits));
        follow.append(h('p', { class: 'notice success', 'data-testid': 'addon-active' }, t('addons.bought')));
        ctx.announce(t('addons.bought'));
      } else {
        follow.append(h('p', { class: 'notice error', role: 'alert' },
          final.status === 'failed' ? t('pay.failed', { reason: failureReason(final.failure_reason) }) : t('pay.cancelled')));
      }
      await showList(ctx, list);
    } catch (error) {
      if (error.problem && error.problem.detail) methods.showProblem(error.problem);
      else follow.append(errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  card.append(form);
  return card;
}

/** resources-service activates the add-on when it consumes the payment: wait for a newer limits version. */
async function awaitNewLimits(ctx, version) {
  let limits;
  for (let attempt = 0; attempt < 60; attempt++) {
    limits = await api(path`/api/resources/${ctx.team}/limits`);
    if (limits.version > version) return limits;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return limits;
}

async function showList(ctx, box) {
  const addons = await api(path`/api/resources/${ctx.team}/list`);
  const canCancel = ['owner', 'admin'].includes(ctx.role);
  const rows = addons.map((addon) => h('tr', { 'data-testid': 'addon-row', 'data-status': addon.status },
    h('td', { 'data-label': t('addons.type') }, t(`addon.${addon.resource_type}`)),
    h('td', { class: 'num', 'data-label': t('addons.quantity') }, addon.quantity),
    h('td', { 'data-label': t('history.status') }, badge(addon.status)),
    h('td', { 'data-label': t('addons.expires') }, formatDate(addon.expires_at)),
    h('td', { 'data-label': t('addons.renews') }, addon.auto_renew ? t('addons.yes') : t('addons.no')),
    h('td', {}, canCancel && ['active', 'pending'].includes(addon.status) && addon.auto_renew !== false
      ? h('button', { type: 'button', class: 'danger', 'aria-label': `${t('addons.cancel')}: ${t(`addon.${addon.resource_type}`)}`,
        onclick: () => cancel(ctx, addon, box) }, t('addons.cancel'))
      : '')));
  box.replaceChildren(h('h2', {}, t('addons.list')),
    addons.length === 0 ? h('p', {}, t('common.none')) : h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', {}, h('tr', {}, ['addons.type', 'addons.quantity', 'history.status', 'addons.expires', 'addons.renews']
        .map((key) => h('th', { scope: 'col' }, t(key))), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.cancel'))))),
      h('tbody', {}, rows))));
}

async function cancel(ctx, addon, box) {
  if (!window.confirm(t('addons.cancel_confirm'))) return;
  try {
    await api(path`/api/resources/${ctx.team}/cancel/${addon.id}`, { method: 'DELETE' });
    ctx.announce(t('addons.cancelled'));
    await showList(ctx, box);
  } catch (error) {
    box.append(errorBox(error));
  }
}
