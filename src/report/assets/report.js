// ktstr report: draws the data embedded in the page's JSON element "ktstr-data" (see
// src/report/model.hpp for its shape). Self-contained: no network, no
// libraries. Text goes in through textContent only, never innerHTML, so
// nothing in a record (guest output, scheduler logs) can become markup.
'use strict';

(function () {
  const data = JSON.parse(document.getElementById('ktstr-data').textContent);
  const root = document.getElementById('ktstr-report');
  root.textContent = '';

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'style') e.style.cssText = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function fmtNum(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v !== 'number') return String(v);
    if (!isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    const a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString('en-US');
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a === 0) return '0';
    return v.toPrecision(3);
  }

  function fmtSigned(v) {
    if (typeof v !== 'number') return fmtNum(v);
    return (v > 0 ? '+' : '') + fmtNum(v);
  }

  function fmtPct(rel) {
    if (typeof rel !== 'number' || !isFinite(rel)) return '–';
    return (rel > 0 ? '+' : '') + (rel * 100).toFixed(Math.abs(rel) < 0.1 ? 1 : 0) + ' %';
  }

  function humanize(name) {
    return name.replace(/_/g, ' ');
  }

  function badge(verdict) {
    const v = (verdict || '?').toUpperCase();
    return el('span', { class: 'badge v-' + v.toLowerCase(), text: v });
  }

  function card(title, ...body) {
    return el('div', { class: 'card' }, title ? el('h3', { text: title }) : null, ...body);
  }

  function kvTable(rows, numeric) {
    return el('table', { class: 'kv' + (numeric ? ' numeric' : '') },
      el('tbody', null, rows.filter((r) => r).map(([k, v]) =>
        el('tr', null, el('th', { text: k }), el('td', null, v)))));
  }

  // Phases of a scenario: "backdrop" and "step N start" events begin one.
  function phasesOf(events, tEnd) {
    const out = [];
    for (const e of events) {
      const name = e.event;
      if (name === 'backdrop' || name.startsWith('step ')) {
        if (out.length) out[out.length - 1].to = e.t;
        out.push({ name: name.replace(/ start$/, ''), from: e.t, to: Math.max(tEnd, e.t) });
      }
    }
    return out;
  }

  // ------------------------------------------------------------- colour scales

  const EMPTY = [238, 241, 244];
  const SCALES = {
    nr_running: [[255, 240, 170], [253, 190, 100], [240, 126, 60], [208, 58, 42], [128, 22, 40]],
    local_dsq: [[214, 232, 247], [137, 189, 230], [63, 143, 208], [28, 95, 165], [11, 47, 107]],
  };

  function colour(series, v, max) {
    if (!(v > 0)) return EMPTY;
    const stops = SCALES[series];
    if (max <= 1) return stops[stops.length - 1];
    const x = Math.min(1, (v - 1) / (max - 1)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    const a = stops[i], b = stops[i + 1];
    return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f));
  }

  function rgb(c) {
    return 'rgb(' + c.join(',') + ')';
  }

  function legend(series, max) {
    const values = [];
    if (max <= 8) for (let v = 0; v <= max; v++) values.push(v);
    else for (let k = 0; k <= 5; k++) values.push(Math.round((max * k) / 5));
    return el('span', { class: 'legend' }, values.map((v) =>
      el('span', { class: 'swatch' }, el('i', { style: 'background:' + rgb(colour(series, v, max)) }), String(v))));
  }

  // ------------------------------------------------------------------ timeline

  // Per CPU, one value per column: the maximum over the samples inside the
  // column's time span, or the last value before it when none falls in it.
  function columnise(t, vals, t0, t1, ncols) {
    const out = new Uint32Array(ncols);
    const n = Math.min(t.length, vals.length);
    let i = 0;
    let last = n ? vals[0] : 0;
    for (let c = 0; c < ncols; c++) {
      const tb = t0 + ((c + 1) * (t1 - t0)) / ncols;
      let m = -1;
      while (i < n && (t[i] < tb || c === ncols - 1)) {
        if (vals[i] > m) m = vals[i];
        last = vals[i];
        i++;
      }
      out[c] = m >= 0 ? m : last;
    }
    return out;
  }

  function seriesMax(rows) {
    let m = 0;
    for (const r of rows) for (const v of r) if (v > m) m = v;
    return m;
  }

  function lowerBound(t, x) {
    let lo = 0, hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  const tip = el('div', { id: 'ktstr-tip', class: 'tip', role: 'tooltip' });
  document.body.appendChild(tip);
  function showTip(ev, lines) {
    tip.textContent = '';
    for (const l of lines) tip.appendChild(el('div', { text: l }));
    tip.style.display = 'block';
    const x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = Math.min(ev.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  function hideTip() {
    tip.style.display = 'none';
  }

  function pctOf(t, t0, t1) {
    return (((t - t0) / (t1 - t0)) * 100).toFixed(3) + '%';
  }

  function heatmap(test, series, title, ctx) {
    const { t, t0, t1, ncpus, rowH, phases, verdicts, interval } = ctx;
    const rows = test.timeline[series] || [];
    const max = Math.max(series === 'nr_running' ? 2 : 1, seriesMax(rows));
    const ncols = Math.max(1, Math.min(900, Math.max(60, t.length * 2)));
    const canvas = el('canvas', { width: ncols, height: ncpus, class: 'hm-canvas', style: 'height:' + ncpus * rowH + 'px' });
    const g = canvas.getContext('2d');
    const img = g.createImageData(ncols, ncpus);
    for (let cpu = 0; cpu < ncpus; cpu++) {
      const cols = columnise(t, rows[cpu] || [], t0, t1, ncols);
      for (let c = 0; c < ncols; c++) {
        const col = colour(series, cols[c], max);
        const p = (cpu * ncols + c) * 4;
        img.data[p] = col[0];
        img.data[p + 1] = col[1];
        img.data[p + 2] = col[2];
        img.data[p + 3] = 255;
      }
    }
    g.putImageData(img, 0, 0);

    const overlay = el('div', { class: 'hm-overlay', style: '--row:' + rowH + 'px' });
    for (const ph of phases)
      if (ph.from > t0 && ph.from < t1)
        overlay.appendChild(el('div', { class: 'mk-phase', style: 'left:' + pctOf(ph.from, t0, t1) }));
    for (const v of verdicts) {
      if (v.t < t0 || v.t > t1 + 1) continue;
      const stall = v.check === 'stall';
      const left = pctOf(Math.min(v.t, t1), t0, t1);
      const label = v.check + ' at +' + v.t.toFixed(2) + ' s' + (v.cpu >= 0 ? ' on cpu ' + v.cpu : '') + ': ' + v.message;
      if (v.cpu >= 0 && v.cpu < ncpus) {
        // The span it held for, then the point where it fired.
        const held = (v.samples || 0) * interval;
        if (held > 0) {
          const from = Math.max(t0, v.t - held);
          overlay.appendChild(el('div', {
            class: 'mk-band' + (stall ? ' stall' : ''),
            style: 'left:' + pctOf(from, t0, t1) + ';width:' + pctOf(t0 + Math.min(v.t, t1) - from, t0, t1) +
              ';top:' + v.cpu * rowH + 'px;height:' + rowH + 'px',
          }));
        }
        overlay.appendChild(el('div', {
          class: 'mk-verdict' + (stall ? ' stall' : ''), title: label, 'data-check': v.check,
          style: 'left:' + left + ';top:' + (v.cpu * rowH + rowH / 2) + 'px',
        }));
      } else {
        overlay.appendChild(el('div', { class: 'mk-verdict-all' + (stall ? ' stall' : ''), title: label,
          'data-check': v.check, style: 'left:' + left }));
      }
    }
    const plot = el('div', { class: 'hm-plot' }, canvas, overlay);
    plot.addEventListener('mousemove', (ev) => {
      const r = canvas.getBoundingClientRect();
      const cpu = Math.floor(((ev.clientY - r.top) / r.height) * ncpus);
      const tt = t0 + ((ev.clientX - r.left) / r.width) * (t1 - t0);
      if (cpu < 0 || cpu >= ncpus) return hideTip();
      let i = Math.min(t.length - 1, lowerBound(t, tt));
      if (i > 0 && Math.abs(t[i - 1] - tt) < Math.abs(t[i] - tt)) i--;
      const nr = (test.timeline.nr_running[cpu] || [])[i];
      const dsq = (test.timeline.local_dsq[cpu] || [])[i];
      const ph = phases.find((p) => t[i] >= p.from && t[i] < p.to + 1e-9);
      showTip(ev, ['cpu ' + cpu + ' · +' + t[i].toFixed(2) + ' s' + (ph ? ' · ' + ph.name : ''),
        'nr_running ' + fmtNum(nr) + ' · local DSQ ' + fmtNum(dsq)]);
    });
    plot.addEventListener('mouseleave', hideTip);

    const labels = el('div', { class: 'hm-labels' });
    const every = rowH >= 11 ? 1 : Math.ceil(11 / rowH);
    for (let cpu = 0; cpu < ncpus; cpu++)
      labels.appendChild(el('div', { class: 'cpu-row', 'data-cpu': cpu, style: 'height:' + rowH + 'px',
        text: cpu % every === 0 ? 'cpu ' + cpu : '' }));
    return el('div', { class: 'heatmap', 'data-series': series, 'data-cpus': ncpus },
      el('div', { class: 'hm-caption' }, el('span', { class: 'hm-title', text: title }), legend(series, max)),
      el('div', { class: 'hm-body' }, labels, plot));
  }

  function axis(t0, t1) {
    const span = t1 - t0;
    const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
    const step = steps.find((s) => span / s <= 10) || 1200;
    const track = el('div', { class: 'tl-track' });
    for (let x = Math.ceil(t0 / step) * step; x <= t1 + 1e-9; x += step)
      track.appendChild(el('span', { class: 'tick', style: 'left:' + pctOf(x, t0, t1),
        text: (step < 1 ? x.toFixed(1) : x.toFixed(0)) + ' s' }));
    return el('div', { class: 'tl-row tl-axis' }, el('div', { class: 'tl-label' }), track);
  }

  function timeline(test) {
    const tl = test.timeline;
    const t = tl && tl.t ? tl.t : [];
    const ncpus = tl && tl.nr_running ? tl.nr_running.length : 0;
    if (!t.length || !ncpus) {
      const why = test.monitor && test.monitor.unavailable ? 'monitor unavailable: ' + test.monitor.unavailable
        : test.monitor && test.monitor.unattached ? 'monitor never attached: ' + test.monitor.unattached
        : 'no monitor samples in this record';
      return card('Timeline', el('p', { class: 'muted', text: why }));
    }
    const t0 = t[0];
    const t1 = t.length > 1 && t[t.length - 1] > t0 ? t[t.length - 1] : t0 + 0.1;
    const rowH = Math.max(5, Math.min(18, Math.floor(260 / ncpus)));
    const phases = phasesOf(tl.events || [], t1);
    const verdicts = (test.monitor && test.monitor.verdicts) || [];
    const interval = ((test.monitor && test.monitor.interval_ms) || 100) / 1000;
    const ctx = { t, t0, t1, ncpus, rowH, phases, verdicts, interval };

    const phaseTrack = el('div', { class: 'tl-track' });
    phases.forEach((p, k) => {
      const from = Math.max(p.from, t0), to = Math.min(p.to, t1);
      if (to <= from) return;
      phaseTrack.appendChild(el('div', { class: 'phase' + (k % 2 ? ' odd' : ''), title: p.name + ': +' +
        p.from.toFixed(2) + ' s … +' + p.to.toFixed(2) + ' s',
        style: 'left:' + pctOf(from, t0, t1) + ';width:' + pctOf(t0 + to - from, t0, t1) }, el('span', { text: p.name })));
    });
    const evTrack = el('div', { class: 'tl-track' });
    const others = (tl.events || []).filter((e) => !(e.event === 'backdrop' || e.event.startsWith('step ')));
    for (const e of others) {
      if (e.t < t0 || e.t > t1) continue;
      const host = e.event.includes('host view');
      evTrack.appendChild(el('div', { class: 'ev' + (host ? ' host' : ''), title: '+' + e.t.toFixed(2) + ' s  ' + e.event,
        style: 'left:' + pctOf(e.t, t0, t1) }));
    }
    const scx = tl.scx || [];
    const scxTrack = el('div', { class: 'tl-track' });
    for (let i = 0; i < scx.length && i < t.length; i++) {
      if (!scx[i]) continue;
      let j = i;
      while (j + 1 < scx.length && j + 1 < t.length && scx[j + 1]) j++;
      const to = j + 1 < t.length ? t[j + 1] : t1;
      scxTrack.appendChild(el('div', { class: 'scx-on', title: 'sched_ext enabled +' + t[i].toFixed(2) + ' s … +' + to.toFixed(2) + ' s',
        style: 'left:' + pctOf(t[i], t0, t1) + ';width:' + pctOf(t0 + to - t[i], t0, t1) }));
      i = j;
    }

    const body = [
      el('div', { class: 'tl-row tl-phases' }, el('div', { class: 'tl-label', text: 'phase' }), phaseTrack),
      el('div', { class: 'tl-row tl-events' }, el('div', { class: 'tl-label', text: 'events' }), evTrack),
    ];
    if (scx.some((x) => x))
      body.push(el('div', { class: 'tl-row tl-scx' }, el('div', { class: 'tl-label', text: 'sched_ext' }), scxTrack));
    body.push(heatmap(test, 'nr_running', 'nr_running per CPU', ctx));
    body.push(heatmap(test, 'local_dsq', 'local DSQ depth per CPU', ctx));
    body.push(axis(t0, t1));

    const foot = el('p', { class: 'muted small' },
      t.length + ' samples' + (tl.stride > 1 ? ' (every ' + tl.stride + 'th kept)' : '') + ' over ' +
      (t1 - t0).toFixed(1) + ' s, ' + ncpus + ' CPUs. Markers: ',
      el('span', { class: 'key-verdict' }), ' monitor verdict (band: the samples it held for), ',
      el('span', { class: 'key-stall' }), ' stall, ', el('span', { class: 'key-phase' }), ' phase boundary, ',
      el('span', { class: 'key-ev' }), ' guest op, ', el('span', { class: 'key-ev host' }), ' host view. Hover for values.');
    return el('div', { class: 'card timeline-card' }, el('h3', { text: 'Timeline' }),
      el('div', { class: 'timeline', 'data-cpus': ncpus, 'data-samples': t.length }, body), foot);
  }

  // ------------------------------------------------------------------- a test

  function identityCard(test) {
    const id = test.identity || {};
    const rows = [['test', id.test], ['variant', id.variant], ['topology', id.topology],
      ['scheduler', id.scheduler], ['flags', id.flags], ['kernel', id.kernel], ['vmm', id.vmm],
      ['work type', id.work_type], ['commit', id.commit], ['run', test.run_id], ['started', test.started],
      ['record id', test.record_id], ['duration', fmtNum(test.seconds) + ' s']]
      .filter(([, v]) => v !== undefined && v !== null && v !== '');
    return card('Identity', kvTable(rows));
  }

  function checksCard(test) {
    const items = [];
    if (test.skip_reason) items.push(el('li', { class: 'skip' }, el('b', { text: 'skipped: ' }), test.skip_reason));
    for (const d of test.details || [])
      items.push(el('li', { class: 'fail' }, el('b', { text: (d.kind || 'check') + (d.cgroup ? ' (' + d.cgroup + ')' : '') + ': ' }),
        d.message || ''));
    if (!items.length)
      items.push(el('li', { class: 'ok', text: test.verdict === 'PASS' ? 'every check passed' : 'no check details recorded' }));
    return card('Checks', el('ul', { class: 'checks' }, items));
  }

  function metricsCard(test) {
    const rows = (test.key_stats || []).map((s) => [humanize(s.name), fmtNum(s.value)]);
    return card('Key metrics', rows.length ? kvTable(rows, true) : el('p', { class: 'muted', text: 'no statistics' }));
  }

  function monitorCard(test) {
    const m = test.monitor;
    if (!m) return card('Monitor', el('p', { class: 'muted', text: 'the host monitor was off for this test' }));
    const s = m.summary || {};
    const rows = [['samples', fmtNum(s.samples) + (m.interval_ms ? ' × ' + m.interval_ms + ' ms' : '')],
      ['judged', m.judged ? fmtNum(s.judged_samples !== undefined ? s.judged_samples : s.judged) + ' samples' : 'no (not a sched_ext scheduler)'],
      ['max imbalance', fmtNum(s.max_imbalance_ratio)], ['max local DSQ', fmtNum(s.max_dsq_depth)],
      ['stalls', fmtNum(s.stall_count)], ['work-conservation episodes', fmtNum(s.work_conservation_count)],
      ['select_cpu fallbacks', fmtNum(s.total_fallback)], ['keep-last', fmtNum(s.total_keep_last)],
      ['verdicts', String((m.verdicts || []).length)]];
    const notes = (m.notes || []).map((n) => el('li', { text: n }));
    if (m.unavailable) notes.push(el('li', { text: 'unavailable: ' + m.unavailable }));
    return card('Monitor', kvTable(rows, true), notes.length ? el('ul', { class: 'notes' }, notes) : null);
  }

  function verdictTable(test) {
    const vs = (test.monitor && test.monitor.verdicts) || [];
    if (!vs.length) return null;
    return el('table', { class: 'grid-table verdicts' },
      el('thead', null, el('tr', null, ['time', 'check', 'cpu', 'value', 'threshold', 'message'].map((h) => el('th', { text: h })))),
      el('tbody', null, vs.map((v) => el('tr', { class: v.check === 'stall' ? 'stall' : '' },
        el('td', { class: 'num', text: '+' + v.t.toFixed(2) + ' s' }), el('td', { text: v.check }),
        el('td', { class: 'num', text: v.cpu >= 0 ? String(v.cpu) : 'all' }),
        el('td', { class: 'num', text: fmtNum(v.value) }), el('td', { class: 'num', text: fmtNum(v.threshold) }),
        el('td', { text: v.message })))));
  }

  function cgroupTable(test) {
    const cgs = test.cgroups || [];
    if (!cgs.length) return null;
    const cols = ['cgroup', 'work_type', 'workers', 'cpus', 'spread_pct', 'max_gap_ms', 'off_cpu_avg_pct', 'migrations',
      'p99_wake_latency_us', 'mean_run_delay_us', 'iterations'].filter((c) => cgs.some((g) => g[c] !== undefined));
    return el('details', { class: 'more', open: cgs.length <= 6 },
      el('summary', { text: 'Cgroups (' + cgs.length + ')' }),
      el('table', { class: 'grid-table' },
        el('thead', null, el('tr', null, cols.map((c) => el('th', { text: humanize(c) })))),
        el('tbody', null, cgs.map((g) => el('tr', null, cols.map((c) => {
          const v = g[c];
          if (Array.isArray(v)) return el('td', { text: cpuList(v) });
          return el('td', { class: typeof v === 'number' ? 'num' : '', text: fmtNum(v) });
        }))))));
  }

  function cpuList(cpus) {
    const out = [];
    for (let i = 0; i < cpus.length; i++) {
      let j = i;
      while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
      out.push(j > i ? cpus[i] + '-' + cpus[j] : String(cpus[i]));
      i = j;
    }
    return out.join(',');
  }

  function eventsTable(test) {
    const evs = [];
    for (const e of (test.timeline && test.timeline.events) || [])
      evs.push({ t: e.t, src: e.event.includes('host view') ? 'host' : 'guest', text: e.event });
    for (const w of test.watchdog || []) evs.push({ t: w.t, src: 'watchdog', text: w.kind + (w.detail ? ': ' + w.detail : '') });
    if (!evs.length) return null;
    evs.sort((a, b) => a.t - b.t);
    return el('details', { class: 'more' }, el('summary', { text: 'Events (' + evs.length + ')' }),
      el('table', { class: 'grid-table' },
        el('thead', null, el('tr', null, ['time', 'source', 'event'].map((h) => el('th', { text: h })))),
        el('tbody', null, evs.map((e) => el('tr', null, el('td', { class: 'num', text: '+' + e.t.toFixed(2) + ' s' }),
          el('td', { text: e.src }), el('td', { text: e.text }))))));
  }

  function schedulerBlock(test) {
    const s = test.scheduler;
    const parts = [];
    if (s) {
      const rows = [['ops', s.ops], ['outcome', s.failure], ['kernel exit', s.kernel_exit],
        ['reason', (s.kernel_exit_reason || []).join('; ')], ['process', s.process_exit],
        ['attach', s.attach_seconds !== undefined ? fmtNum(s.attach_seconds) + ' s' : ''], ['message', s.message]]
        .filter(([, v]) => v !== undefined && v !== null && v !== '');
      parts.push(kvTable(rows));
      if (s.log) parts.push(el('pre', { class: 'log', text: s.log }));
    }
    if (test.failure) parts.push(el('h4', { text: 'Failure' }), el('pre', { class: 'log', text: test.failure }));
    if (!parts.length) return null;
    return el('details', { class: 'more', open: test.verdict === 'FAIL' && !!test.failure },
      el('summary', { text: s ? 'Scheduler' + (s.ops ? ' ' + s.ops : '') + (test.failure ? ' and failure output' : '') : 'Failure output' }),
      parts);
  }

  function testSection(test) {
    const id = test.identity || {};
    const sub = [id.topology, id.scheduler && id.scheduler + (id.flags && id.flags !== 'default' ? ' [' + id.flags + ']' : ''),
      id.kernel, fmtNum(test.seconds) + ' s'].filter((x) => x);
    const vt = verdictTable(test);
    return el('section', { class: 'test v-' + (test.verdict || '').toLowerCase(), id: 'test-' + test.index, 'data-test': test.label },
      el('header', { class: 'test-head' }, badge(test.verdict), el('h2', { text: test.label }),
        el('span', { class: 'muted', text: sub.join(' · ') }), el('a', { class: 'top', href: '#top', text: '↑ index' })),
      el('div', { class: 'cards' }, identityCard(test), checksCard(test), metricsCard(test), monitorCard(test)),
      timeline(test),
      vt ? card('Monitor verdicts', vt) : null,
      cgroupTable(test), eventsTable(test), schedulerBlock(test));
  }

  // ---------------------------------------------------------- index & compare

  function header() {
    const tests = data.tests;
    const count = (v) => tests.filter((t) => t.verdict === v).length;
    const failed = tests.length - count('PASS') - count('SKIP');
    const runs = (data.runs || []).map((r) => r.run_id).filter((x) => x);
    const host = data.host || {};
    const meta = [runs.length ? 'run ' + runs.join(', ') : null, 'generated ' + data.generated,
      host.hostname ? 'host ' + host.hostname + (host.cpus ? ' (' + host.cpus + ' CPUs)' : '') : null,
      host.ktstr ? 'ktstr ' + host.ktstr : null].filter((x) => x);
    return el('header', { class: 'page-head', id: 'top' },
      el('h1', null, 'ktstr report'),
      el('div', { class: 'pills' },
        el('span', { class: 'pill v-pass', text: count('PASS') + ' passed' }),
        el('span', { class: 'pill v-fail', text: failed + ' failed' }),
        el('span', { class: 'pill v-skip', text: count('SKIP') + ' skipped' })),
      el('p', { class: 'muted', text: meta.join(' · ') }));
  }

  function indexTable() {
    const rows = data.tests.map((t) => {
      const id = t.identity || {};
      const mv = (t.monitor && t.monitor.verdicts) || [];
      return el('tr', { class: 'v-' + (t.verdict || '').toLowerCase() },
        el('td', null, badge(t.verdict)),
        el('td', null, el('a', { href: '#test-' + t.index, text: t.label })),
        el('td', { text: id.topology || '' }),
        el('td', { text: (id.scheduler || '') + (id.flags && id.flags !== 'default' ? ' [' + id.flags + ']' : '') }),
        el('td', { text: id.kernel || '' }),
        el('td', { class: 'num', text: fmtNum(t.seconds) + ' s' }),
        el('td', { class: 'num', text: String((t.details || []).length) }),
        el('td', { class: 'num', text: String(mv.length) }));
    });
    return el('div', { class: 'card index' }, el('h3', { text: 'Tests' }),
      el('table', { class: 'grid-table' },
        el('thead', null, el('tr', null, ['', 'test', 'topology', 'scheduler', 'kernel', 'time', 'failed checks', 'monitor verdicts']
          .map((h) => el('th', { text: h })))),
        el('tbody', null, rows)));
  }

  function keyText(key) {
    return Object.entries(key || {}).filter(([, v]) => v !== '' && v !== null && v !== undefined)
      .map(([, v]) => String(v)).join(' · ');
  }

  function compareSection(c) {
    const a = c.a || {}, b = c.b || {};
    const rows = [];
    let changed = 0;
    for (const p of c.pairs || []) {
      const metrics = p.metrics || [];
      metrics.forEach((m, k) => {
        const verdict = m.verdict || 'unchanged';
        if (verdict !== 'unchanged') changed++;
        const gates = [m.abs_gate !== undefined ? '±' + fmtNum(m.abs_gate) : null,
          m.rel_gate !== undefined ? '±' + fmtNum(m.rel_gate * 100) + ' %' : null].filter((x) => x).join(' and ');
        rows.push(el('tr', { class: 'cmp-' + verdict + (k === 0 ? ' first' : '') },
          el('td', { class: 'key', text: k === 0 ? keyText(p.key) + (p.a_n > 1 || p.b_n > 1 ? '  (n=' + p.a_n + '/' + p.b_n + ')' : '') : '' }),
          el('td', { text: humanize(m.name) + (m.higher_is_better ? ' ↑' : m.higher_is_better === false ? ' ↓' : '') }),
          el('td', { class: 'num', text: fmtNum(m.a) }), el('td', { class: 'num', text: fmtNum(m.b) }),
          el('td', { class: 'num', text: fmtSigned(m.delta) }), el('td', { class: 'num', text: fmtPct(m.relative) }),
          el('td', { class: 'num muted', text: gates }),
          el('td', null, el('span', { class: 'chip ' + verdict, text: verdict }))));
      });
    }
    const table = el('table', { class: 'grid-table compare' },
      el('thead', null, el('tr', null, ['pair', 'metric', 'A', 'B', 'delta', 'relative', 'gates', 'verdict'].map((h) => el('th', { text: h })))),
      el('tbody', null, rows));
    const toggle = el('input', { type: 'checkbox', id: 'cmp-only-changes' });
    toggle.addEventListener('change', () => table.classList.toggle('only-changes', toggle.checked));
    // A long table opens on what changed; the box shows everything again.
    if (rows.length > 60 && changed > 0) {
      toggle.checked = true;
      table.classList.add('only-changes');
    }
    const unpaired = c.unpaired || {};
    const up = ['a', 'b'].filter((s) => (unpaired[s] || []).length).map((s) =>
      el('p', { class: 'muted' }, 'only in ' + s.toUpperCase() + ': ', (unpaired[s] || []).map(keyText).join('; ')));
    return el('section', { class: 'card compare-card', id: 'compare' },
      el('h2', { text: 'A/B comparison' }),
      el('p', null, el('b', { text: 'A ' }), (a.selector || '?') + ' (' + fmtNum(a.records) + ' records)  vs  ',
        el('b', { text: 'B ' }), (b.selector || '?') + ' (' + fmtNum(b.records) + ' records)'),
      el('div', { class: 'pills' },
        el('span', { class: 'pill cmp-regression', text: fmtNum(c.regressions || 0) + ' regressions' }),
        el('span', { class: 'pill cmp-improvement', text: fmtNum(c.improvements || 0) + ' improvements' }),
        el('span', { class: 'pill', text: (c.pairs || []).length + ' pairs' }),
        el('label', { class: 'toggle' }, toggle, ' only changes (' + changed + ')')),
      table, up);
  }

  // ------------------------------------------------------------------- page

  root.appendChild(header());
  if (data.compare) root.appendChild(compareSection(data.compare));
  root.appendChild(indexTable());
  let drawn = 0;
  for (const test of data.tests) {
    try {
      root.appendChild(testSection(test));
      drawn++;
    } catch (e) {
      // Keep the rest of the report readable, and make the failure loud
      // (the browser test fails on any console error).
      console.error('ktstr report: could not draw test ' + test.label + ': ' + (e && e.stack ? e.stack : e));
      root.appendChild(el('section', { class: 'test broken' }, el('h2', { text: test.label }),
        el('p', { text: 'This test could not be drawn: ' + e })));
    }
  }
  document.body.setAttribute('data-rendered', String(drawn));
})();
