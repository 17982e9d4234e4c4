// Runs in the Salesforce login pop-up: hands the result of the login to the
// Beacon page that opened the pop-up, then closes the pop-up.
(function () {
  'use strict';
  var el = document.getElementById('oauth-result');
  if (!el) { return; }
  var result = {
    type: 'sfdc-oauth',
    ok: el.dataset.ok === 'true',
    error: el.dataset.error || '',
    message: el.dataset.message || ''
  };
  if (!window.opener || window.opener.closed) {
    document.getElementById('no-opener').hidden = false;
    return;
  }
  // Only a page of this origin may receive the result.
  window.opener.postMessage(result, location.origin);
  window.close();
})();
