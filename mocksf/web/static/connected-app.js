// The New and Edit Connected App form: show OAuth settings when enabled,
// derive the API name, move scopes between the Available and Selected
// lists, submit every selected scope, show the certificate upload with
// "Use digital signatures" and the security warning with "Enable Client
// Credentials Flow", and refuse a certificate file that is too large
// before it is sent.
(function () {
  function reveal(boxId, targetId) {
    var box = document.getElementById(boxId);
    var target = document.getElementById(targetId);
    if (!box || !target) return;
    box.addEventListener('change', function () { target.hidden = !box.checked; });
  }
  reveal('oauthEnabled', 'oauthSettings');
  reveal('useDigitalSignatures', 'certificateField');
  reveal('enableClientCredentials', 'clientCredentialsWarning');

  var name = document.getElementById('name');
  var apiName = document.getElementById('apiName');
  name.addEventListener('blur', function () {
    if (apiName.value !== '') return;
    var v = name.value.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (/^[0-9]/.test(v)) v = 'X' + v;
    apiName.value = v;
  });

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
  document.getElementById('connectedAppForm').addEventListener('submit', function () {
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
