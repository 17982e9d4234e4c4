// The Sync with Salesforce page: the login pop-up, the confirmation
// dialog, and a status area the server keeps up to date (server-sent
// events, polling when the browser cannot keep the stream) instead of
// reloading.
(function () {
  'use strict';

  // The timings are Beacon's (Config.StatusPoll and Config.PopupGrace), on
  // this script's element; the numbers after || are their defaults.
  var script = document.currentScript;
  var POLL_MS = Number(script && script.dataset.statusPollMs) || 500;
  var POPUP_GRACE_MS = Number(script && script.dataset.popupGraceMs) || 1500;
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var pollTimer = null;
  // The page's language (<html lang>): the JSON answers and the login
  // pop-up speak it too, whatever the browser's own preference.
  var lang = document.documentElement.lang || 'en';

  function $(id) { return document.getElementById(id); }

  function setText(id, text) {
    var el = $(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function showError(text) {
    var el = $('error');
    el.textContent = text;
    el.hidden = !text;
  }

  function showMessage(text) {
    var el = $('message');
    el.textContent = text;
    el.hidden = !text;
  }

  // post sends a state-changing request with the session's CSRF token.
  function post(url) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken, 'Accept': 'application/json', 'Accept-Language': lang }
    }).then(readJSON);
  }

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json', 'Accept-Language': lang } }).then(readJSON);
  }

  // httpError is the page's message, in its language (the script tag's
  // data-http-error, from client/locales), for an answer that carries no
  // error text of Beacon's, such as a proxy's error page: {status} is
  // where the HTTP status goes.
  var httpError = (script && script.dataset.httpError) || 'HTTP {status}';

  // readJSON resolves with the body of a 2xx answer and rejects with the
  // server's error text otherwise.
  function readJSON(resp) {
    return resp.json().catch(function () { return {}; }).then(function (body) {
      if (!resp.ok) { throw new Error(body.error || httpError.replace('{status}', String(resp.status))); }
      return body;
    });
  }

  // The connection type shows the fields and buttons of the chosen one:
  // Save and Login with Salesforce for the user login, the My Domain URL
  // and Connect for the client credentials flow.
  function showConnectionType() {
    var chosen = document.querySelector('input[name="connectionType"]:checked');
    var type = chosen ? chosen.value : 'userLogin';
    document.querySelectorAll('[data-connection]').forEach(function (el) {
      el.hidden = el.dataset.connection !== type;
    });
  }
  document.querySelectorAll('input[name="connectionType"]').forEach(function (input) {
    input.addEventListener('change', showConnectionType);
  });
  showConnectionType();

  // Step 3: Login with Salesforce opens the login in a pop-up.
  var loginButton = $('loginWithSalesforce');
  if (loginButton) {
    loginButton.addEventListener('click', function () {
      showError('');
      showMessage('');
      $('popup-blocked').hidden = true;
      var popup = window.open('/salesforce/login?lang=' + encodeURIComponent(lang), 'sfdcLogin', 'popup,width=600,height=700');
      if (!popup) { $('popup-blocked').hidden = false; return; }
      watchPopup(popup, loginButton.dataset.closedMessage);
    });
  }

  // watchPopup tells the admin when the pop-up closes without a result, as
  // when Salesforce showed an error page in it and the admin closed it.
  var loginResult = false;
  var popupWatch = null;
  function watchPopup(popup, closedMessage) {
    loginResult = false;
    if (popupWatch !== null) { clearInterval(popupWatch); }
    popupWatch = setInterval(function () {
      if (!popup.closed) { return; }
      clearInterval(popupWatch);
      popupWatch = null;
      // The result message may still be on its way: give it a moment.
      setTimeout(function () {
        if (!loginResult && closedMessage) { showError(closedMessage); }
      }, POPUP_GRACE_MS);
    }, POLL_MS);
  }

  // Step 7: the pop-up reports the end of the login.
  window.addEventListener('message', function (event) {
    if (event.origin !== location.origin) { return; }
    var data = event.data;
    if (!data || data.type !== 'sfdc-oauth') { return; }
    loginResult = true;
    if (!data.ok) {
      showError(data.message || data.error || (loginButton && loginButton.dataset.failedMessage) || 'Salesforce login failed.');
      return;
    }
    getJSON('/admin/crm/salesforce/pending').then(function (pending) {
      setText('sf-username', pending.username);
      setText('sf-org', pending.organizationId);
      var dialog = $('confirm-dialog');
      if (!dialog.open) { dialog.showModal(); }
    }).catch(function (err) { showError(err.message); });
  });

  $('confirmCredentials').addEventListener('click', function () {
    var button = this;
    button.disabled = true;
    post('/admin/crm/salesforce/confirm').then(function (answer) {
      $('confirm-dialog').close();
      showError('');
      showMessage(answer.message);
      render(answer.status);
      followStatus();
    }).catch(function (err) {
      $('confirm-dialog').close();
      showError(err.message);
    }).then(function () { button.disabled = false; });
  });

  $('cancelCredentials').addEventListener('click', function () {
    $('confirm-dialog').close();
    post('/admin/crm/salesforce/cancel').then(function (answer) {
      showMessage(answer.message);
    }).catch(function (err) { showError(err.message); });
  });

  // Step 8: Start Salesforce Sync shows the sync options.
  $('startSalesforceSync').addEventListener('click', function () {
    $('sync-panel').hidden = false;
    $('startSync').focus();
  });

  // Step 9: Start Sync starts the record sync.
  $('startSync').addEventListener('click', function () {
    var button = this;
    button.disabled = true;
    post('/admin/crm/salesforce/sync').then(function (answer) {
      showMessage(answer.message);
      render(answer.status);
      followStatus();
    }).catch(function (err) {
      showError(err.message);
      button.disabled = false;
    });
  });

  // render shows a status answer of /admin/crm/salesforce/status.
  // shownVersion is the version of the status shown: the answer to a
  // POST can come after the stream's newer event, and must not put an
  // older status back on the page.
  var shownVersion = 0;
  function render(s) {
    if (typeof s.version === 'number') {
      if (s.version < shownVersion) { return; }
      shownVersion = s.version;
    }
    $('salesforce-sync').hidden = !s.connected;
    setText('connection', s.connection);
    setText('field-sync-status', s.fieldSync.text);
    s.fieldSync.objects.forEach(function (o) {
      setText('field-sync-' + o.object, o.text);
      var li = $('field-sync-' + o.object);
      if (li) { li.dataset.phase = o.phase; }
    });
    $('startSalesforceSync').disabled = !s.fieldSync.complete;
    if (s.sync.state !== 'not_started') { $('sync-panel').hidden = false; }
    $('startSync').disabled = !s.sync.canStart;
    setText('sync-status', s.sync.text);
    Object.keys(s.sync.counts).forEach(function (object) {
      setText('count-' + object, String(s.sync.counts[object]));
    });
    setText('last-error', s.sync.lastError || '');
  }

  function poll() {
    getJSON('/admin/crm/salesforce/status').then(render).catch(function () {
      // The server may be restarting: keep polling.
    }).then(function () { pollTimer = setTimeout(poll, POLL_MS); });
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = setTimeout(poll, POLL_MS); }
  }

  // followStatus keeps the status area up to date: the stream sends the
  // status at once and at each change. The browser opens it again by
  // itself after a break (the server restarting, say) and gives up only
  // on an answer that is not a stream; then the page polls.
  var events = null;
  function followStatus() {
    if (events !== null || pollTimer !== null) { return; }
    if (!window.EventSource) { startPolling(); return; }
    events = new EventSource('/admin/crm/salesforce/events?lang=' + encodeURIComponent(lang));
    events.onmessage = function (event) {
      var s;
      try { s = JSON.parse(event.data); } catch (err) { return; }
      render(s);
    };
    events.onerror = function () {
      if (events.readyState !== EventSource.CLOSED) { return; }
      events = null;
      startPolling();
    };
  }

  if (!$('salesforce-sync').hidden) { followStatus(); }
})();
