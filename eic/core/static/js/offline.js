// The specialist's week offline (eic/therapy/views/offline.py, eic/therapy/offline.py).
// The week and the queue of changes are kept in this browser's storage, per user: `eic.offline.<user>.week`,
// `.queue`, `.token`. A change is queued with its own id and the versions it was made on; the queue is sent in
// order when the network is there; the server applies each change once and answers applied, conflict (both
// versions are shown, the specialist chooses) or refused (the reason is shown, the typing is kept).
(function () {
  'use strict';
  var meta = document.querySelector('meta[name=eic-offline]');
  function given(id) { return JSON.parse(document.getElementById(id).dataset.json); }
  var T = given('offline-strings');
  var ABSENCE = given('offline-absence');
  var CHECKLIST = given('offline-checklist');
  var PREFIX = 'eic.offline.' + meta.dataset.user + '.';
  var KEEP_MS = Number(meta.dataset.keepDays) * 24 * 3600 * 1000;
  var sending = false;
  var again = false;  // a change queued while a send was on its way goes with the next one

  function load(name, fallback) {
    try { var v = JSON.parse(localStorage.getItem(PREFIX + name)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function store(name, value) { localStorage.setItem(PREFIX + name, JSON.stringify(value)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k.indexOf('on') === 0) node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function status(text, kind, link) {
    var box = document.getElementById('offline-status');
    box.textContent = text;
    box.className = 'flash ' + (kind || '');
    if (link) { box.appendChild(document.createTextNode(' ')); box.appendChild(el('a', {href: link, text: T.logIn})); }
  }
  function trouble(e) {
    if (e && e.login) status(T.loginAgain, 'warning', meta.dataset.login);
    else status(T.offline, 'warning');
  }
  // "вторник, 8 декабря, 09:00" in Almaty time, from the page's own month and day names.
  var PARTS = new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Almaty', year: 'numeric', month: 'numeric',
    day: 'numeric', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23'});
  var WEEKDAYS = {Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6};
  function when(iso) {
    var p = {};
    PARTS.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return T.days[WEEKDAYS[p.weekday]] + ', ' + Number(p.day) + ' ' + T.months[Number(p.month) - 1] + ', ' +
      p.hour + ':' + p.minute;
  }

  function onDay(isoDay) {  // "2026-12-01" as "1 декабря"
    var parts = isoDay.split('-');
    return Number(parts[2]) + ' ' + T.months[Number(parts[1]) - 1];
  }

  // The week ----------------------------------------------------------------------------------------------------
  function week() {
    var kept = load('week', null);
    if (kept && kept.syncedAt && Date.now() - kept.syncedAt > KEEP_MS) {
      localStorage.removeItem(PREFIX + 'week');  // too old: the children's data goes; the queue stays
      status(T.cleared, 'warning');
      return null;
    }
    return kept;
  }

  function token() {
    var kept = load('token', null);
    if (kept && new Date(kept.expires_at).getTime() > Date.now() + 60000) return Promise.resolve(kept.token);
    var body = new FormData();
    body.append('csrf_token', meta.dataset.csrf);
    return fetch(meta.dataset.token, {method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual'})
      .then(function (r) {
        if (!r.ok) throw {login: true};
        return r.json();
      }).then(function (data) { store('token', data); return data.token; });
  }

  function api(url, options) {
    return token().then(function (t) {
      options = options || {};
      options.headers = Object.assign({'Authorization': 'Bearer ' + t, 'Accept-Language':
        document.documentElement.lang}, options.headers || {});
      return fetch(url, options);
    }).then(function (r) {
      if (r.status === 401) { localStorage.removeItem(PREFIX + 'token'); throw {login: true}; }
      if (!r.ok) throw {status: r.status};
      return r.json();
    });
  }

  function refresh() {
    return api(meta.dataset.week).then(function (data) {
      data.syncedAt = Date.now();
      store('week', data);
      render();
    });
  }

  // The queue ---------------------------------------------------------------------------------------------------
  function queue() { return load('queue', []); }

  function enqueue(kind, session, data) {
    var items = queue().filter(function (c) {
      // A second change of the same part waits in place of the first one, if that one was not sent yet.
      return !(c.kind === kind && c.session_id === session.id && c.state === 'waiting');
    });
    items.push({client_id: newId(), kind: kind, session_id: session.id, data: data, state: 'waiting',
                base: {schedule: session.versions.schedule, [kind]: session.versions[kind]},
                label: (session.child ? session.child.name : T.group) + ' · ' + when(session.starts_at)});
    store('queue', items);
    render();
    status(T.saved, 'success');
    send();
  }

  function send() {
    var waiting = queue().filter(function (c) { return c.state === 'waiting'; });
    if (sending) { again = true; return Promise.resolve(); }
    if (!waiting.length || !navigator.onLine) {
      document.body.dataset.syncing = '0';
      render();
      return Promise.resolve();
    }
    sending = true;
    document.body.dataset.syncing = '1';  // for people (and tests): the page is being brought up to date
    var changes = waiting.map(function (c) {
      return {client_id: c.client_id, kind: c.kind, session_id: c.session_id, base: c.base, data: c.data};
    });
    return api(meta.dataset.sync, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                   body: JSON.stringify({changes: changes})})
      .then(function (result) {
        var byId = {};
        result.answers.forEach(function (a) { byId[a.client_id] = a; });
        var items = queue().map(function (c) {
          var a = byId[c.client_id];
          if (!a) return c;
          if (a.status === 'applied') return null;
          c.state = a.status;
          c.answer = a;
          return c;
        }).filter(Boolean);
        store('queue', items);
        status(T.sent, 'success');
        return refresh();
      })
      .catch(trouble)
      .then(function () {
        sending = false;
        render();
        if (again) { again = false; return send(); }
        document.body.dataset.syncing = '0';
      });
  }

  function keepMine(change) {
    var items = queue().filter(function (c) { return c.client_id !== change.client_id; });
    items.push({client_id: newId(), kind: change.kind, session_id: change.session_id, data: change.data,
                state: 'waiting', label: change.label,
                base: {schedule: change.answer.versions.schedule, [change.kind]: change.answer.versions[change.kind]}});
    store('queue', items);
    send();
  }

  function drop(change) {
    store('queue', queue().filter(function (c) { return c.client_id !== change.client_id; }));
    render();
  }

  // Drawing -----------------------------------------------------------------------------------------------------
  function describe(kind, data) {
    if (!data) return '—';
    if (kind === 'attendance') {
      if (data.attended === null) return '—';
      var why = ABSENCE.filter(function (a) { return a[0] === data.reason; }).map(function (a) { return a[1]; })[0];
      return data.attended ? T.came : T.didNotCome + (why ? ' (' + why + ')' : '');
    }
    if (kind === 'note') return [data.done, data.progress, data.family_plan].filter(Boolean).join(' · ');
    return CHECKLIST.map(function (f) { return data[f]; }).filter(Boolean).join(' · ') +
      (data.safety_concern ? ' · ' + T.safety + ': ' + (data.safety_note || '') : '');
  }

  function renderQueue() {
    var items = queue();
    var box = document.getElementById('queue');
    box.hidden = items.length === 0;
    document.getElementById('queue-count').textContent = items.length;
    var list = document.getElementById('queue-list');
    list.innerHTML = '';
    items.forEach(function (c) {
      var li = el('li', {'data-testid': 'queued', 'data-state': c.state}, [
        el('strong', {text: c.label}), el('br'), el('span', {text: T[c.kind === 'attendance' ? 'attendance' :
          c.kind === 'note' ? 'note' : 'checklist'] + ': ' + describe(c.kind, c.data)})]);
      if (c.state === 'conflict') {
        var server = c.answer.server;
        var theirs = c.kind === 'attendance' ? {attended: server.attendance ? server.attendance === 'attended' : null,
          reason: server.absence_reason} : c.kind === 'note' ? server.note : server.checklist;
        li.appendChild(el('div', {'class': 'warnings', 'data-testid': 'conflict'}, [
          el('p', {text: T.conflict}),
          el('p', {text: T.yours + ': ' + describe(c.kind, c.data)}),
          el('p', {text: T.server + ': ' + (server.active ? when(server.starts_at) : T.cancelled) + ' · ' +
                   describe(c.kind, theirs)}),
          el('button', {'class': 'btn', type: 'button', text: T.keepMine, onclick: function () { keepMine(c); }}),
          el('button', {'class': 'btn secondary', type: 'button', text: T.keepServer,
                        onclick: function () { drop(c); }})]));
      } else if (c.state === 'refused') {
        li.appendChild(el('div', {'class': 'warnings', 'data-testid': 'refused'}, [
          el('p', {text: T.refused + ': ' + c.answer.message + ' ' + Object.keys(c.answer.fields || {}).map(
            function (k) { return c.answer.fields[k].join(' '); }).join(' ')}),
          el('button', {'class': 'btn secondary', type: 'button', text: T.discard, onclick: function () { drop(c); }})]));
      } else {
        li.appendChild(el('span', {'class': 'muted', text: ' · ' + T.notSent}));
      }
      list.appendChild(li);
    });
  }

  function field(label, input) { return el('div', {'class': 'field'}, [el('label', {text: label}), input]); }

  function attendanceForm(s) {
    var reason = el('select', {name: 'reason'}, ABSENCE.map(function (a) {
      return el('option', {value: a[0], text: a[1]}); }));
    var came = el('button', {'class': 'btn', type: 'button', text: T.came, 'data-testid': 'came',
      onclick: function () { enqueue('attendance', s, {attended: true}); }});
    var not = el('button', {'class': 'btn secondary', type: 'button', text: T.didNotCome,
      onclick: function () { enqueue('attendance', s, {attended: false, reason: reason.value}); }});
    return el('div', {'class': 'actions'}, [came, field(T.reason, reason), not]);
  }

  function noteForm(s) {
    var done = el('textarea', {name: 'done', required: 'required'});
    var progress = el('textarea', {name: 'progress'});
    var plan = el('textarea', {name: 'family_plan'});
    var goals = (s.child ? s.child.goals : []).map(function (g) {
      return el('label', {'class': 'choice'}, [el('input', {type: 'checkbox', value: g.id}),
                                              document.createTextNode(' ' + g.description)]);
    });
    if (s.note) { done.value = s.note.done; progress.value = s.note.progress; plan.value = s.note.family_plan; }
    var form = el('form', {'class': 'offline-note', 'data-testid': 'note-form', onsubmit: function (e) {
      e.preventDefault();
      var ids = goals.map(function (l) { return l.firstChild; }).filter(function (i) { return i.checked; })
        .map(function (i) { return Number(i.value); });
      enqueue('note', s, {done: done.value, progress: progress.value, family_plan: plan.value, goal_ids: ids});
    }}, [field(T.done, done),
         goals.length ? el('fieldset', {'class': 'question'}, [el('legend', {text: T.goals})].concat(goals)) : null,
         field(T.progress, progress), field(T.familyPlan, plan),
         el('button', {'class': 'btn', type: 'submit', text: T.save})]);
    return form;
  }

  function checklistForm(s) {
    var areas = CHECKLIST.map(function (f) { var a = el('textarea', {name: f}); if (s.checklist) a.value = s.checklist[f]; return a; });
    var concern = el('input', {type: 'checkbox', name: 'safety_concern'});
    var note = el('textarea', {name: 'safety_note'});
    return el('form', {'class': 'offline-checklist', 'data-testid': 'checklist-form', onsubmit: function (e) {
      e.preventDefault();
      var data = {safety_concern: concern.checked, safety_note: note.value};
      CHECKLIST.forEach(function (f, i) { data[f] = areas[i].value; });
      enqueue('checklist', s, data);
    }}, [].concat(CHECKLIST.map(function (f, i) { return field(T[f], areas[i]); }))
      .concat([el('label', {'class': 'choice'}, [concern, document.createTextNode(' ' + T.safety)]),
               field(T.safetyNote, note), el('button', {'class': 'btn', type: 'submit', text: T.save})]));
  }

  function sessionCard(s) {
    var head = [el('strong', {text: when(s.starts_at)}), el('br')];
    var body = [];
    if (s.child) {
      head.push(el('span', {text: s.child.name}));
      var c = s.child.caregiver;
      if (c) {
        body.push(el('p', {}, [document.createTextNode(T.caregiver + ': ' + c.name + ' · '),
          el('a', {'class': 'tel', href: 'tel:' + c.phone, text: c.phone}),
          document.createTextNode(' · ' + (T.languages[c.language] || c.language))]));
      }
      if (s.child.recent_notes.length) {
        body.push(el('details', {}, [el('summary', {text: T.recentNotes})].concat(s.child.recent_notes.map(
          function (n) { return el('p', {text: onDay(n.on) + ': ' + [n.done, n.family_plan].filter(Boolean).join(' · ')}); }))));
      }
    } else if (s.group) {
      head.push(el('span', {text: T.group + ' (' + s.group.roster.length + ')'}));
      body.push(el('ul', {}, s.group.roster.map(function (r) { return el('li', {text: r.child}); })));
    }
    head.push(el('br'), el('span', {'class': 'muted', text: s.setting === 'home' ? T.homeVisit + ': ' + (s.address || '') :
      T.center + (s.room ? ', ' + s.room : '')}));
    var card = el('section', {'class': 'card visit', 'data-testid': 'offline-session', 'data-id': s.id},
                  [el('p', {}, head)].concat(body));
    if (!s.active) { card.appendChild(el('p', {'class': 'priority-3', text: T.cancelled})); return card; }
    if (s.child && new Date(s.starts_at).getTime() > Date.now()) {
      card.appendChild(el('p', {'class': 'muted', text: T.later}));
    } else if (s.child) {
      var pending = queue().filter(function (c) { return c.session_id === s.id; });
      var att = pending.filter(function (c) { return c.kind === 'attendance'; }).pop();
      var shown = att ? att.data : s.attendance ? {attended: s.attendance === 'attended', reason: s.absence_reason} : null;
      card.appendChild(el('h4', {text: T.attendance + ': ' + (shown ? describe('attendance', shown) : '—') +
                                      (att ? ' (' + T.notSent + ')' : '')}));
      card.appendChild(attendanceForm(s));
      var noted = pending.some(function (c) { return c.kind === 'note'; }) || s.note;
      card.appendChild(el('details', {'data-testid': 'note-details'}, [
        el('summary', {text: T.note + (noted ? ' ✓' : '')}), noteForm(s)]));
      if (s.setting === 'home') {
        var checked = pending.some(function (c) { return c.kind === 'checklist'; }) || s.checklist;
        card.appendChild(el('details', {'data-testid': 'checklist-details'}, [
          el('summary', {text: T.checklist + (checked ? ' ✓' : '')}), checklistForm(s)]));
      }
    }
    return card;
  }

  function render() {
    renderQueue();
    var data = week();
    var box = document.getElementById('week');
    box.innerHTML = '';
    if (!data) { box.appendChild(el('p', {'class': 'card', text: T.noWeek})); return; }
    if (!data.sessions.length) box.appendChild(el('p', {'class': 'card', text: T.empty}));
    data.sessions.forEach(function (s) { box.appendChild(sessionCard(s)); });
    document.getElementById('last-sync').textContent = T.lastSync + ': ' +
      (data.syncedAt ? when(new Date(data.syncedAt).toISOString()) : T.never);
  }

  document.getElementById('send-now').addEventListener('click', function () { send(); });
  window.addEventListener('online', function () { status(T.online, 'success'); send().then(refresh).catch(function () {}); });
  window.addEventListener('offline', function () { status(T.offline, 'warning'); });
  if ('serviceWorker' in navigator) navigator.serviceWorker.register(meta.dataset.sw).catch(function () {});
  render();
  if (navigator.onLine) {
    send().then(function () { return queue().some(function (c) { return c.state === 'waiting'; }) ? null : refresh(); })
      .catch(trouble);
  } else {
    status(T.offline, 'warning');
  }
})();
