// Pieces several views share: usage meters, payment follow-up, status badges, pagers.
import { api, ApiError } from '../api.js';
import { t, has, formatBytes, formatNumber } from '../i18n.js';
import { h, uid } from '../dom.js';

export const WARNING_PERCENT = 80;
export const DANGER_PERCENT = 95;

export function level(percent) {
  if (percent >= DANGER_PERCENT) return 'danger';
  if (percent >= WARNING_PERCENT) return 'warning';
  return 'ok';
}

/** A progress bar of usage against a limit, its figures, and the alert in words. */
export function meter(label, used, limit, testId) {
  const percent = limit > 0 ? (used * 100) / limit : used > 0 ? 100 : 0;
  const shown = formatNumber(percent, percent < 10 ? 2 : 1);
  const state = level(percent);
  const labelId = uid('meter');
  let alert;
  if (percent > 100) alert = t('usage.alert.over', { metric: label, percent: shown });
  else if (state === 'danger') alert = t('usage.alert.danger', { metric: label, percent: shown });
  else if (state === 'warning') alert = t('usage.alert.warning', { metric: label, percent: shown });
  else alert = t('usage.alert.ok', { metric: label, percent: shown });
  return h('div', { class: `meter ${state}`, 'data-testid': testId, 'data-level': state, 'data-used': used, 'data-limit': limit },
    h('div', { class: 'meter-head' },
      h('strong', { id: labelId }, label),
      h('span', { class: 'figures' }, t('usage.of', { used: formatBytes(used), limit: formatBytes(limit), percent: shown }))),
    h('div', { class: 'bar', role: 'progressbar', 'aria-labelledby': labelId, 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': Math.min(100, Math.round(percent)), 'aria-valuetext': alert },
    h('span', { style: `width: ${Math.min(100, percent).toFixed(2)}%` })),
    h('p', { class: 'alert', role: state === 'ok' ? null : 'alert' }, alert));
}

export function badge(status) {
  return h('span', { class: `badge ${status}`, 'data-status': status }, statusWord(status));
}

/** A status in words; one this version does not know is shown as the API names it. */
export function statusWord(status) {
  return has(`status.${status}`) ? t(`status.${status}`) : String(status ?? '');
}

/** Why a payment failed, in words (payment-service's failure_reason codes; none or an unknown one: a generic reason). */
export function failureReason(code) {
  return has(`reason.${code}`) ? t(`reason.${code}`) : t('reason.other');
}

/**
 * Follows a payment until it is final: shows the provider's next action (the instruction, and the checkout link
 * for a card), announces each status change, resolves with the final payment.
 */
export function followPayment(payment, box, ctx) {
  const status = h('p', { 'data-testid': 'payment-status', role: 'status', 'aria-live': 'polite' });
  const next = payment.next_action || {};
  const nextStep = h('p', { class: 'notice', 'data-testid': 'next-action' },
      t('pay.next_action', { instruction: next.instruction
        || (next.type === 'redirect' ? t('pay.next_redirect') : next.type) || '' }), ' ',
      // The provider's page opens in this tab: after paying, it returns the browser to the payment's outcome page
      // (/billing/payments/{id}, payment-service's return_url), still signed in (the token is kept per tab).
      next.url ? h('a', { href: next.url, 'data-testid': 'checkout-link' }, t('pay.open_checkout')) : null);
  // (replaceChildren, unlike h(), would write a null as the text "null")
  const returns = next.url ? h('p', { class: 'muted' }, t('pay.checkout_returns')) : '';
  box.replaceChildren(nextStep, returns, status);
  let last = null;
  const show = (current) => {
    if (current.status !== last) {
      last = current.status;
      status.replaceChildren(t('pay.status', { status: statusWord(current.status) }), ' ', badge(current.status));
      // a final payment asks nothing more of the payer
      if (['completed', 'failed', 'cancelled'].includes(current.status)) {
        nextStep.hidden = true;
        if (returns) returns.hidden = true;
      }
      ctx.announce(t('pay.status', { status: statusWord(current.status) }));
    }
  };
  show(payment);
  return new Promise((resolve, reject) => {
    let stopped = false;
    ctx.onLeave(() => { stopped = true; });
    const poll = async () => {
      if (stopped) return;
      try {
        const current = await api(`/api/payments/${encodeURIComponent(payment.payment_id)}/status`);
        show(current);
        if (['completed', 'failed', 'cancelled'].includes(current.status)) {
          resolve(current);
          return;
        }
      } catch (error) {
        if (error.status === 401) { reject(error); return; }
      }
      setTimeout(poll, 1500);
    };
    setTimeout(poll, 1000);
  });
}

/** Mobile Money (with a phone) or card: the fields and a reader for the chosen values. */
export function paymentMethodFields() {
  const name = uid('method');
  const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', inputmode: 'tel', placeholder: '+237670000001',
    pattern: '\\+[1-9][0-9]{6,14}', 'data-testid': 'phone' });
  const phoneField = h('div', {}, h('label', { for: phone.id || (phone.id = uid('phone')) }, t('pay.phone')), phone);
  const radio = (value, checked) => h('label', {},
    h('input', { type: 'radio', name, value, checked, 'data-testid': `method-${value}` }), t(`pay.${value}`));
  const fieldset = h('fieldset', {}, h('legend', {}, t('pay.method')), radio('mobile_money', true), radio('credit_card', false));
  const error = h('p', { class: 'field-error', role: 'alert' });
  const sync = () => {
    const mobile = fieldset.querySelector('input:checked').value === 'mobile_money';
    phoneField.hidden = !mobile;
    phone.required = mobile;
  };
  fieldset.addEventListener('change', sync);
  sync();
  return {
    elements: [fieldset, phoneField, error],
    read() {
      const method = fieldset.querySelector('input:checked').value;
      error.textContent = '';
      if (method === 'mobile_money' && !/^\+[1-9][0-9]{6,14}$/.test(phone.value.trim())) {
        error.textContent = t('pay.phone_invalid');
        phone.setAttribute('aria-invalid', 'true');
        phone.focus();
        return null;
      }
      phone.removeAttribute('aria-invalid');
      return method === 'mobile_money' ? { payment_method: method, phone: phone.value.trim() } : { payment_method: method };
    },
    showProblem(problem) {
      error.textContent = problem.detail || problem.title || '';
    },
  };
}

export function pager(page, size, total, go) {
  const pages = Math.max(1, Math.ceil(total / size));
  return h('nav', { class: 'pager', 'aria-label': t('common.page', { page: page + 1, pages }) },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 0, onclick: () => go(page - 1) }, t('common.previous')),
    h('span', {}, t('common.page', { page: page + 1, pages })),
    h('button', { type: 'button', class: 'secondary', disabled: page + 1 >= pages, onclick: () => go(page + 1) }, t('common.next')));
}

export function planName(plan) {
  return t(`plan.${plan}`);
}

export function path(strings, ...values) {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

export function errorBox(error, retry) {
  const detail = error instanceof ApiError ? error.message : String(error.message || error);
  return h('div', { class: 'notice error', role: 'alert' }, t('common.error', { detail }), ' ',
    retry ? h('button', { type: 'button', class: 'secondary', onclick: retry }, t('common.retry')) : null);
}
