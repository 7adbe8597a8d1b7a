// Support: tickets (paged list), a new ticket with suggested articles, and a conversation with live updates.
import { api, eventStream } from '../api.js';
import { t, formatDate } from '../i18n.js';
import { h, field } from '../dom.js';
import { badge, errorBox, pager, path } from './common.js';

const PAGE_SIZE = 10;
const CATEGORIES = ['technical', 'billing', 'feature_request', 'bug_report', 'other'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export async function supportView(ctx) {
  const [first] = ctx.params;
  if (first === 'new') return newTicket(ctx);
  if (first) return conversation(ctx, first);
  const list = h('div', { class: 'card', 'data-testid': 'tickets' });
  const root = h('section', { 'aria-labelledby': 'support-title' },
    h('h1', { id: 'support-title' }, t('support.title')),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/support/new', 'data-testid': 'new-ticket' }, t('support.new'))),
    list);
  await showTickets(ctx, list, 0);
  return root;
}

async function showTickets(ctx, box, page) {
  const result = await api(`${path`/api/support/${ctx.team}/tickets`}?page=${page}&size=${PAGE_SIZE}`);
  const rows = result.items.map((ticket) => h('tr', { 'data-testid': 'ticket-row' },
    h('td', { 'data-label': t('support.subject') }, h('a', { href: `#/support/${ticket.id}` }, ticket.subject)),
    h('td', { 'data-label': t('support.status') }, badge(ticket.status)),
    h('td', { 'data-label': t('support.priority') }, t(`priority.${ticket.priority}`)),
    h('td', { 'data-label': t('support.updated') }, formatDate(ticket.updated_at, true))));
  box.replaceChildren(h('h2', {}, t('support.tickets')),
    result.items.length === 0 ? h('p', {}, t('common.none')) : h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', {}, h('tr', {}, ['support.subject', 'support.status', 'support.priority', 'support.updated']
        .map((key) => h('th', { scope: 'col' }, t(key))))),
      h('tbody', {}, rows))),
    result.total > PAGE_SIZE ? pager(page, PAGE_SIZE, result.total, (next) => showTickets(ctx, box, next)) : '');
}

function newTicket(ctx) {
  const subject = h('input', { type: 'text', name: 'subject', maxlength: 200, required: true, 'data-testid': 'ticket-subject' });
  const description = h('textarea', { name: 'description', required: true, 'data-testid': 'ticket-description' });
  const category = h('select', { name: 'category', 'data-testid': 'ticket-category' },
    CATEGORIES.map((code) => h('option', { value: code }, t(`category.${code}`))));
  const priority = h('select', { name: 'priority', 'data-testid': 'ticket-priority' },
    PRIORITIES.map((code) => h('option', { value: code, selected: code === 'normal' }, t(`priority.${code}`))));
  const suggestions = h('div', { 'aria-live': 'polite', 'data-testid': 'suggestions' });
  const error = h('div', {});
  const submit = h('button', { type: 'submit', 'data-testid': 'create-ticket' }, t('support.create'));
  const form = h('form', { class: 'card' }, field(t('support.subject'), subject), suggestions,
    field(t('support.description'), description), field(t('support.category'), category),
    field(t('support.priority'), priority), error, h('div', { class: 'actions' }, submit,
      h('a', { href: '#/support', class: 'button secondary' }, t('common.cancel'))));

  let timer;
  subject.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => suggest(ctx, subject.value, suggestions), 400);
  });
  ctx.onLeave(() => clearTimeout(timer));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.replaceChildren();
    try {
      const ticket = await api(path`/api/support/${ctx.team}/tickets`, { method: 'POST', body: {
        subject: subject.value.trim(), description: description.value.trim(), category: category.value, priority: priority.value } });
      ctx.announce(t('support.created'));
      ctx.navigate(`#/support/${ticket.id}`);
    } catch (failure) {
      error.replaceChildren(errorBox(failure));
      submit.disabled = false;
    }
  });
  return h('section', { 'aria-labelledby': 'new-ticket-title' },
    h('h1', { id: 'new-ticket-title' }, t('support.new')), form);
}

async function suggest(ctx, subject, box) {
  if (subject.trim().length < 3) {
    box.replaceChildren();
    return;
  }
  const result = await api(`${path`/api/support/${ctx.team}/tickets/suggestions`}?subject=${encodeURIComponent(subject)}`).catch(() => null);
  if (!result || result.items.length === 0) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(h('div', { class: 'notice' }, h('h2', {}, t('support.suggestions')),
    h('ul', {}, result.items.map((article) => h('li', { 'data-testid': 'suggestion' },
      h('details', {}, h('summary', {}, article.title), h('p', {}, article.body)))))));
}

async function conversation(ctx, ticketId) {
  const ticketPath = path`/api/support/${ctx.team}/tickets/${ticketId}`;
  const ticket = await api(ticketPath);
  const status = h('span', { 'data-testid': 'ticket-status' }, badge(ticket.status));
  const live = h('p', { class: 'muted', 'data-testid': 'live-state' });
  const messages = h('ol', { class: 'messages', 'data-testid': 'messages', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const seen = new Set();
  const addMessage = (message) => {
    if (seen.has(message.id) || message.is_internal) return false;
    seen.add(message.id);
    messages.append(h('li', { class: message.author_kind, 'data-testid': 'message', 'data-author-kind': message.author_kind },
      h('div', { class: 'meta' }, t(`support.author.${message.author_kind}`), ' · ', formatDate(message.created_at, true)),
      h('div', { class: 'body' }, message.body)));
    return true;
  };
  ticket.messages.forEach(addMessage);

  const reply = h('textarea', { name: 'body', required: true, 'data-testid': 'reply-body' });
  const send = h('button', { type: 'submit', 'data-testid': 'send-reply' }, t('support.send'));
  const error = h('div', {});
  const form = h('form', {}, field(t('support.reply'), reply), error, h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      const message = await api(`${ticketPath}/messages`, { method: 'POST', body: { body: reply.value.trim() } });
      addMessage(message);
      reply.value = '';
      error.replaceChildren();
    } catch (failure) {
      error.replaceChildren(errorBox(failure));
    } finally {
      send.disabled = false;
    }
  });

  const stop = eventStream(`${ticketPath}/stream`, {
    onOpen: async () => {
      live.textContent = t('support.live');
      live.dataset.state = 'open';
      // After a reconnect, anything missed is in the ticket itself.
      const fresh = await api(ticketPath).catch(() => null);
      if (fresh) fresh.messages.forEach(addMessage);
    },
    onDrop: () => {
      live.textContent = t('support.live_off');
      live.dataset.state = 'reconnecting';
    },
    onEvent: (type, data) => {
      if (type === 'message' && addMessage(data)) {
        ctx.announce(t('support.new_message', { who: t(`support.author.${data.author_kind}`) }));
      } else if ((type === 'status' || type === 'snapshot') && data.status) {
        const changed = status.firstChild?.dataset.status !== data.status;
        status.replaceChildren(badge(data.status));
        if (changed && type === 'status') ctx.announce(t('support.status_changed', { status: t(`status.${data.status}`) }));
      }
    },
  });
  ctx.onLeave(stop);

  return h('section', { 'aria-labelledby': 'ticket-title' },
    h('p', {}, h('a', { href: '#/support' }, `← ${t('support.back')}`)),
    h('h1', { id: 'ticket-title' }, ticket.subject),
    h('div', { class: 'card' },
      h('p', {}, t('support.status'), ': ', status, ' · ', t('support.priority'), ': ', t(`priority.${ticket.priority}`),
        ' · ', t('support.category'), ': ', t(`category.${ticket.category}`)),
      h('p', { class: 'body' }, ticket.description), live),
    h('div', { class: 'card' }, h('h2', {}, t('support.conversation')), messages, form));
}
