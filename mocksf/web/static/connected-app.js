// The New Connected App form: show OAuth settings when enabled, derive the
// API name, move scopes between the Available and Selected lists, and
// submit every selected scope.
(function () {
  var enabled = document.getElementById('oauthEnabled');
  var settings = document.getElementById('oauthSettings');
  enabled.addEventListener('change', function () { settings.hidden = !enabled.checked; });

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
})();
