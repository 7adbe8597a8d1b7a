// Analytics: daily and monthly trends (Chart.js from the gateway's WebJar), month-end forecast, projects
// compared, custom alert thresholds, CSV and PDF exports.
import { api, download } from '../api.js';
import { t, formatBytes, formatNumber } from '../i18n.js';
import { h, field } from '../dom.js';
import { errorBox, path } from './common.js';

const MB = 1e6;

export async function analyticsView(ctx) {
  const base = path`/api/usage/${ctx.team}`;
  const [daily, trend, forecast, compare, thresholds] = await Promise.all([
    api(`${base}/daily`), api(`${base}/trend?months=12`), api(`${base}/forecast`),
    api(`${base}/projects/compare`), api(`${base}/alert-thresholds`)]);
  const charts = [];
  ctx.onLeave(() => charts.forEach((chart) => chart.destroy()));

  const dailyCanvas = chartCanvas('chart-daily', t('analytics.daily'), daily.days.map((d) => `${d.day}: ${formatBytes(d.traffic.bytes)}`));
  const trendCanvas = chartCanvas('chart-trend', t('analytics.trend'), trend.months.map((m) => `${m.month}: ${formatBytes(m.traffic.bytes)}`));
  const compareCanvas = chartCanvas('chart-compare', t('analytics.share'),
    compare.projects.map((p) => `${p.project_id}: ${formatNumber(p.traffic_share_percent, 2)} %`));

  const root = h('section', { 'aria-labelledby': 'analytics-title' },
    h('h1', { id: 'analytics-title' }, t('analytics.title')),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h2', {}, t('analytics.daily')), dailyCanvas.box),
      h('div', { class: 'card' }, h('h2', {}, t('analytics.trend')), trendCanvas.box)),
    h('div', { class: 'grid' },
      forecastCard(forecast),
      h('div', { class: 'card', 'data-testid': 'compare' }, h('h2', {}, t('analytics.compare')), compareCanvas.box, compareTable(compare))),
    h('div', { class: 'grid' }, thresholdsCard(ctx, thresholds, base), exportCard(ctx, base, daily.month)));

  // Charts need their canvas in the document: draw once the view is attached.
  requestAnimationFrame(() => {
    if (!window.Chart) return;
    charts.push(new window.Chart(dailyCanvas.canvas, {
      type: 'bar',
      data: { labels: daily.days.map((d) => d.day.slice(8)),
        datasets: [{ label: `${t('usage.traffic')} (${t('analytics.mb')})`, data: daily.days.map((d) => d.traffic.bytes / MB), backgroundColor: '#0b57d0' }] },
      options: chartOptions(t('analytics.day'), t('analytics.mb')),
    }));
    charts.push(new window.Chart(trendCanvas.canvas, {
      type: 'line',
      data: { labels: trend.months.map((m) => m.month),
        datasets: [{ label: `${t('usage.traffic')} (${t('analytics.mb')})`, data: trend.months.map((m) => m.traffic.bytes / MB),
          borderColor: '#0b57d0', backgroundColor: '#0b57d0', tension: 0.2 }] },
      options: chartOptions(t('analytics.month'), t('analytics.mb')),
    }));
    charts.push(new window.Chart(compareCanvas.canvas, {
      type: 'doughnut',
      data: { labels: compare.projects.map((p) => p.project_id),
        datasets: [{ data: compare.projects.map((p) => p.traffic_share_percent),
          backgroundColor: ['#0b57d0', '#c77c02', '#1e7b34', '#b3261e', '#6a1b9a', '#00838f'] }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    }));
  });
  return root;
}

/** A canvas with a text alternative: the figures as a list for screen readers. */
function chartCanvas(testId, label, lines) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label, 'data-testid': testId });
  const box = h('div', {}, h('div', { class: 'chart-box' }, canvas),
    h('details', {}, h('summary', {}, label), h('ul', {}, lines.map((line) => h('li', {}, line)))));
  return { canvas, box };
}

function chartOptions(xTitle, yTitle) {
  return {
    responsive: true, maintainAspectRatio: false, animation: false,
    scales: { x: { title: { display: true, text: xTitle } }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
  };
}

function forecastCard(forecast) {
  const line = (metric, data) => h('li', { 'data-testid': `forecast-${metric}` },
    t('analytics.forecast_line', { metric: t(`usage.${metric}`), current: formatBytes(data.current.bytes),
      projected: formatBytes(data.projected.bytes), percent: formatNumber(data.projected_percent, 2), limit: formatBytes(data.limit.bytes) }),
    data.exceeds_limit ? h('strong', { class: 'field-error' }, ' ', t('analytics.forecast_exceeds')) : null,
    h('div', { class: 'muted' }, data.method));
  return h('div', { class: 'card', 'data-testid': 'forecast' }, h('h2', {}, t('analytics.forecast')),
    h('ul', {}, line('traffic', forecast.traffic), line('storage', forecast.storage)));
}

function compareTable(compare) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('usage.projects')),
      h('th', { scope: 'col', class: 'num' }, t('usage.traffic')),
      h('th', { scope: 'col', class: 'num' }, t('analytics.share')),
      h('th', { scope: 'col', class: 'num' }, t('usage.storage')))),
    h('tbody', {}, compare.projects.map((p) => h('tr', {},
      h('th', { scope: 'row' }, p.project_id),
      h('td', { class: 'num', 'data-label': t('usage.traffic') }, formatBytes(p.traffic.bytes)),
      h('td', { class: 'num', 'data-label': t('analytics.share') }, `${formatNumber(p.traffic_share_percent, 2)} %`),
      h('td', { class: 'num', 'data-label': t('usage.storage') }, formatBytes(p.storage.bytes)))))));
}

function thresholdsCard(ctx, thresholds, base) {
  const card = h('div', { class: 'card', 'data-testid': 'thresholds' }, h('h2', {}, t('analytics.thresholds')),
    h('p', {}, t('analytics.thresholds_fixed', { list: thresholds.fixed.join(', ') })));
  const input = h('input', { type: 'text', name: 'thresholds', inputmode: 'numeric', value: thresholds.custom.join(', '),
    pattern: '\\s*(\\d{1,3}\\s*(,\\s*\\d{1,3}\\s*)*)?', 'data-testid': 'thresholds-input',
    disabled: !['owner', 'admin'].includes(ctx.role) });
  const status = h('div', { role: 'status' });
  const form = h('form', {}, field(t('analytics.thresholds_custom'), input), status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: input.disabled }, t('analytics.thresholds_save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = input.value.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    try {
      const saved = await api(`${base}/alert-thresholds`, { method: 'PUT', body: { thresholds: values } });
      input.value = saved.custom.join(', ');
      input.removeAttribute('aria-invalid');
      status.replaceChildren(h('p', { class: 'notice success' }, t('analytics.thresholds_saved')));
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      status.replaceChildren(errorBox(error));
    }
  });
  card.append(form);
  return card;
}

function exportCard(ctx, base, month) {
  const status = h('div', { role: 'status', 'data-testid': 'export-status' });
  const save = (suffix, file) => async () => {
    try {
      await download(`${base}/${suffix}?month=${month}`, file);
      status.replaceChildren(h('p', { class: 'notice success' }, t('analytics.downloaded', { file })));
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  };
  return h('div', { class: 'card' }, h('h2', {}, t('analytics.export')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-testid': 'export-csv', onclick: save('export.csv', `usage-${ctx.team}-${month}.csv`) }, t('analytics.csv')),
      h('button', { type: 'button', 'data-testid': 'export-pdf', onclick: save('report.pdf', `usage-${ctx.team}-${month}.pdf`) }, t('analytics.pdf'))),
    status);
}
