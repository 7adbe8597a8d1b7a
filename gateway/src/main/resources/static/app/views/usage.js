// Usage this month: team and per-project meters against the effective limits, the traffic policy and whether the
// team's projects are served, sleeping projects (and waking them), the limits itemised and the alert history.
import { api } from '../api.js';
import { t, formatBytes, formatDate, formatNumber } from '../i18n.js';
import { h } from '../dom.js';
import { errorBox, meter, planName, path } from './common.js';

const ALERTS_SHOWN = 20;

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
  const [usage, limits, alerts] = await Promise.all([
    api(path`/api/usage/${ctx.team}`),
    api(path`/api/resources/${ctx.team}/limits`),
    api(`${path`/api/usage/${ctx.team}/alerts`}?limit=${ALERTS_SHOWN}`),
  ]);
  const trafficLimit = limits.totals.traffic_bytes;
  const storageLimit = limits.totals.storage_bytes;
  const team = h('div', { class: 'card', 'data-testid': 'team-usage' },
    h('h2', {}, t('usage.team', { team: usage.team_slug })),
    h('p', { class: 'muted' }, t('usage.month', { month: usage.month }), ' · ',
      h('span', { 'data-testid': 'team-requests' }, t('usage.requests', { count: formatNumber(usage.requests) }))),
    meter(t('usage.traffic'), usage.traffic.bytes, trafficLimit, 'team-traffic'),
    trafficState(usage.traffic_state, ctx),
    meter(t('usage.storage'), usage.storage.bytes, storageLimit, 'team-storage'),
    storageDetail(usage.storage_month, 'team-storage'),
    storageState(usage.storage.bytes, storageLimit));
  const projects = h('div', { class: 'card' }, h('h2', {}, t('usage.projects')));
  if (usage.projects.length === 0) projects.append(h('p', {}, t('usage.no_projects')));
  for (const project of usage.projects) {
    projects.append(h('div', { class: 'project', 'data-testid': `project-${project.project_id}` },
      h('h3', {}, t('usage.project', { project: project.project_id }), ' ',
        project.status === 'deleted' ? h('span', { class: 'muted' }, t('usage.project_deleted')) : null,
        project.sleeping ? h('span', { class: 'badge sleeping', 'data-testid': `project-${project.project_id}-asleep` }, t('usage.asleep')) : null),
      project.sleeping ? sleepingNotice(ctx, project, () => fill(ctx, body)) : null,
      meter(`${t('usage.traffic')} · ${project.project_id}`, project.traffic.bytes, trafficLimit, `project-${project.project_id}-traffic`),
      meter(`${t('usage.storage')} · ${project.project_id}`, project.storage.bytes, storageLimit, `project-${project.project_id}-storage`),
      storageDetail(project.storage_month, `project-${project.project_id}-storage`)));
  }
  body.replaceChildren(h('div', { class: 'grid' }, team, limitsCard(limits)), projects, alertHistory(alerts));
}

/** The traffic policy in words, and when the team's projects are not served (or run over), the way out. */
function trafficState(state, ctx) {
  if (!state) return null;
  let policy;
  if (state.policy === 'stop') policy = t('usage.policy_stop');
  else if (state.stop_percent != null) policy = t('usage.policy_cap', { percent: formatNumber(state.stop_percent) });
  else policy = t('usage.policy_soft');
  const box = h('div', { 'data-testid': 'traffic-state', 'data-blocked': String(state.blocked), 'data-policy': state.policy },
    h('p', { class: 'muted', 'data-testid': 'traffic-policy' }, policy));
  const overage = state.overage?.bytes || 0;
  if (state.blocked) {
    // Add-ons are sold to Pro teams only: a Free team (policy stop) gets out by upgrading.
    const ways = state.policy === 'stop'
      ? [h('a', { href: '#/billing', 'data-testid': 'way-upgrade' }, t('usage.way_upgrade'))]
      : [h('a', { href: '#/addons', 'data-testid': 'way-addon' }, t('usage.way_addon')), ' · ',
        h('a', { href: '#/billing', 'data-testid': 'way-cap' }, t('usage.way_cap'))];
    box.append(h('div', { class: 'notice error', role: 'alert', 'data-testid': 'traffic-blocked' },
      h('strong', {}, t('usage.blocked', { percent: formatNumber(state.stop_percent ?? 100) })), ' ',
      t('usage.blocked_detail'), h('br'), ...ways));
  } else if (overage > 0) {
    box.append(h('p', { class: 'notice', 'data-testid': 'traffic-overage' }, t('usage.overage', { overage: formatBytes(overage) })));
  }
  return box;
}

/**
 * The month's storage beside its latest figure: the peak, the GB-days so far, when it was measured, and a "stale since"
 * marker when the last runs could not measure it (the figure is then the last measurement kept).
 */
function storageDetail(month, testid) {
  if (!month) return null;
  const figures = { peak: formatBytes(month.peak?.bytes ?? 0), gb_days: formatNumber(Number(month.gb_days ?? 0), 2) };
  const line = h('p', { class: 'muted storage-detail', 'data-testid': `${testid}-detail` },
    month.measured_at
      ? t('usage.storage_detail', { ...figures, date: formatDate(month.measured_at, true) })
      : t('usage.storage_not_measured', figures));
  if (month.stale && month.stale_since) {
    line.append(' ', h('span', {
      class: 'badge stale', 'data-testid': `${testid}-stale`, 'data-stale-since': month.stale_since,
      title: month.measured_at ? t('usage.storage_stale_title', { date: formatDate(month.measured_at, true) }) : t('usage.storage_stale_never'),
    }, t('usage.storage_stale', { date: formatDate(month.stale_since, true) })));
  }
  return line;
}

/** Storage over its limit cannot be stopped here: say so, and what to do. */
function storageState(used, limit) {
  if (!(limit > 0) || used < limit) return null;
  return h('p', { class: 'notice error', role: 'alert', 'data-testid': 'storage-over' }, t('usage.storage_over'), ' ',
    h('a', { href: '#/addons' }, t('usage.way_addon')));
}

/** A sleeping project: since when, and (for an owner or admin) the button that wakes it. */
function sleepingNotice(ctx, project, refresh) {
  const notice = h('div', { class: 'notice', 'data-testid': `project-${project.project_id}-sleeping` },
    t('usage.sleeping', { date: formatDate(project.sleeping_since, true) }));
  if (!['owner', 'admin'].includes(ctx.role)) return notice;
  const wake = h('button', { type: 'button', class: 'secondary', 'data-testid': `wake-${project.project_id}` }, t('usage.wake'));
  wake.addEventListener('click', async () => {
    wake.disabled = true;
    try {
      await api(path`/api/usage/${ctx.team}/projects/${project.project_id}/wake`, { method: 'POST' });
      ctx.announce(t('usage.woken', { project: project.project_id }));
      await refresh();
    } catch (error) {
      wake.disabled = false;
      notice.append(errorBox(error));
    }
  });
  notice.append(' ', wake);
  return notice;
}

/** The team's alerts, newest first: when, what, how far. */
function alertHistory(history) {
  const card = h('div', { class: 'card', 'data-testid': 'alert-history' }, h('h2', {}, t('alerts.title')));
  if (!history.alerts.length) {
    card.append(h('p', {}, t('alerts.none')));
    return card;
  }
  const rows = history.alerts.map((alert) => h('tr', { 'data-testid': 'alert-row', 'data-threshold': alert.threshold_percent },
    h('td', { 'data-label': t('alerts.when') }, formatDate(alert.crossed_at, true)),
    h('td', { 'data-label': t('alerts.what') }, t(`alerts.metric.${alert.metric}`), ' · ',
      alert.scope === 'project' ? t('usage.project', { project: alert.project_id }) : t('alerts.team')),
    h('td', { class: 'num', 'data-label': t('alerts.threshold') }, `${formatNumber(alert.threshold_percent)} %`),
    h('td', { class: 'num', 'data-label': t('alerts.usage') },
      t('alerts.of', { used: formatBytes(alert.usage.bytes), limit: formatBytes(alert.limit.bytes) }))));
  card.append(h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
    h('thead', {}, h('tr', {}, ['alerts.when', 'alerts.what', 'alerts.threshold', 'alerts.usage']
      .map((key) => h('th', { scope: 'col', class: ['alerts.threshold', 'alerts.usage'].includes(key) ? 'num' : null }, t(key))))),
    h('tbody', {}, rows))));
  return card;
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
