// New External Client App and its Edit Settings: show the OAuth settings
// when Enable OAuth is ticked and the certificate upload with Enable JWT
// Bearer Flow, derive the API name from the name as it is typed (until
// the API name is typed itself), move scopes between the Available and
// Selected lists, submit every selected scope, and refuse a certificate
// file that is too large before it is sent.
(function () {
  function reveal(boxId, targetId) {
    var box = document.getElementById(boxId);
    var target = document.getElementById(targetId);
    if (!box || !target) return;
    box.addEventListener('change', function () { target.hidden = !box.checked; });
  }
  reveal('oauthEnabled', 'oauthSettings');
  reveal('enableJwtBearer', 'certificateField');

  // The rules of store.APIName: letters, digits and single underscores
  // only, starting with a letter, no trailing underscore.
  function apiNameOf(label) {
    var v = label.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (/^[0-9]/.test(v)) v = 'X' + v;
    return v;
  }
  var name = document.getElementById('name');
  var apiName = document.getElementById('apiName');
  var derived = apiName.value === '' || apiName.value === apiNameOf(name.value);
  name.addEventListener('input', function () {
    if (derived) apiName.value = apiNameOf(name.value);
  });
  apiName.addEventListener('input', function () { derived = apiName.value === ''; });

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
  document.getElementById('externalClientAppForm').addEventListener('submit', function () {
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
