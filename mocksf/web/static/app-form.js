// What New Connected App and New External Client App (and their Edit
// forms) share: the scope picker moves scopes between the Available and
// Selected lists and submits every selected scope, a certificate file that
// is too large is refused before it is sent, and Enable OAuth shows the
// OAuth settings. The page's own script (connected-app.js, eca-form.js),
// loaded after this one, adds the rest with mocksfAppForm.
(function () {
  // reveal shows the element targetId while the checkbox boxId is ticked;
  // either may be missing from the page.
  function reveal(boxId, targetId) {
    var box = document.getElementById(boxId);
    var target = document.getElementById(targetId);
    if (!box || !target) return;
    box.addEventListener('change', function () { target.hidden = !box.checked; });
  }

  // apiNameOf is the API name derived from a name, by the rules of
  // store.APIName: letters, digits and single underscores only, starting
  // with a letter, no trailing underscore.
  function apiNameOf(label) {
    var v = label.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (/^[0-9]/.test(v)) v = 'X' + v;
    return v;
  }

  window.mocksfAppForm = { reveal: reveal, apiNameOf: apiNameOf };

  reveal('oauthEnabled', 'oauthSettings');

  var available = document.getElementById('availableScopes');
  var selected = document.getElementById('selectedScopes');
  function move(from, to) {
    Array.prototype.slice.call(from.selectedOptions).forEach(function (o) {
      o.selected = false;
      to.appendChild(o);
    });
  }
  document.getElementById('addScope').addEventListener('click', function () { move(available, selected); });
  document.getElementById('removeScope').addEventListener('click', function () { move(selected, available); });
  selected.form.addEventListener('submit', function () {
    Array.prototype.forEach.call(selected.options, function (o) { o.selected = true; });
  });

  var certificate = document.getElementById('certificate');
  if (certificate) {
    certificate.addEventListener('change', function () {
      var file = certificate.files[0];
      var max = parseInt(certificate.dataset.maxBytes, 10);
      certificate.setCustomValidity(file && file.size > max ? certificate.dataset.tooLarge : '');
      certificate.reportValidity();
    });
  }
})();
