// Usage this month: team and per-project meters against the effective limits, and the limits itemised.
import { api } from '../api.js';
import { t, formatBytes, formatDate, formatNumber } from '../i18n.js';
import { h } from '../dom.js';
import { meter, planName, path } from './common.js';

const REFRESH_MS = 5000;

export async function usageView(ctx) {
  const root = h('section', { 'aria-labelledby': 'usage-title' });
  const body = h('div', { 'aria-live': 'off' });
  root.append(
    h('h1', { id: 'usage-title' }, t('usage.title')),
    body);
  await fill(ctx, body);
  // Usage moves while the page is open: refresh quietly (the meters announce only their alerts).
  const timer = setInterval(() => fill(ctx, body).catch(() => {}), REFRESH_MS);
  ctx.onLeave(() => clearInterval(timer));
  return root;
}

async function fill(ctx, body) {
  const [usage, limits] = await Promise.all([
    api(path`/api/usage/${ctx.team}`),
    api(path`/api/resources/${ctx.team}/limits`),
  ]);
  const trafficLimit = limits.totals.traffic_bytes;
  const storageLimit = limits.totals.storage_bytes;
  const team = h('div', { class: 'card', 'data-testid': 'team-usage' },
    h('h2', {}, t('usage.team', { team: usage.team_slug })),
    h('p', { class: 'muted' }, t('usage.month', { month: usage.month }), ' · ',
      h('span', { 'data-testid': 'team-requests' }, t('usage.requests', { count: formatNumber(usage.requests) }))),
    meter(t('usage.traffic'), usage.traffic.bytes, trafficLimit, 'team-traffic'),
    meter(t('usage.storage'), usage.storage.bytes, storageLimit, 'team-storage'));
  const projects = h('div', { class: 'card' }, h('h2', {}, t('usage.projects')));
  if (usage.projects.length === 0) projects.append(h('p', {}, t('usage.no_projects')));
  for (const project of usage.projects) {
    projects.append(h('div', { class: 'project', 'data-testid': `project-${project.project_id}` },
      h('h3', {}, t('usage.project', { project: project.project_id }), ' ',
        project.status === 'deleted' ? h('span', { class: 'muted' }, t('usage.project_deleted')) : null),
      meter(`${t('usage.traffic')} · ${project.project_id}`, project.traffic.bytes, trafficLimit, `project-${project.project_id}-traffic`),
      meter(`${t('usage.storage')} · ${project.project_id}`, project.storage.bytes, storageLimit, `project-${project.project_id}-storage`)));
  }
  body.replaceChildren(h('div', { class: 'grid' }, team, limitsCard(limits)), projects);
}

export function limitsCard(limits) {
  const row = (label, item) => h('tr', {},
    h('th', { scope: 'row' }, label),
    h('td', { class: 'num', 'data-label': t('limits.traffic') }, formatBytes(item.traffic_bytes)),
    h('td', { class: 'num', 'data-label': t('limits.storage') }, formatBytes(item.storage_bytes)),
    h('td', { class: 'num', 'data-label': t('limits.ram') }, `${formatNumber(item.ram_mb)} MB`),
    h('td', { class: 'num', 'data-label': t('limits.cpu') }, formatNumber(item.cpu_cores)));
  const items = limits.items.map((item) => row(item.source === 'plan'
    ? t('limits.plan_item', { plan: planName(item.id) })
    : t('limits.addon_item', { type: t(`addon.${item.resource_type}`), quantity: item.quantity }), item));
  return h('div', { class: 'card', 'data-testid': 'limits' },
    h('h2', {}, t('limits.title')),
    h('p', { 'data-testid': 'plan' }, t('limits.plan', { plan: planName(limits.plan) }),
      limits.valid_until ? ` (${t('limits.valid_until', { date: formatDate(limits.valid_until) })})` : ''),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('limits.item')),
        h('th', { scope: 'col', class: 'num' }, t('limits.traffic')),
        h('th', { scope: 'col', class: 'num' }, t('limits.storage')),
        h('th', { scope: 'col', class: 'num' }, t('limits.ram')),
        h('th', { scope: 'col', class: 'num' }, t('limits.cpu')))),
      h('tbody', {}, items),
      h('tfoot', { 'data-testid': 'limit-totals', 'data-traffic-bytes': limits.totals.traffic_bytes },
        row(t('limits.total'), limits.totals)))));
}
