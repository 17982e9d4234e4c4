// New External Client App and its Edit Settings, besides what app-form.js
// does for them: show the certificate upload with Enable JWT Bearer Flow,
// and derive the API name from the name as it is typed (until the API
// name is typed itself).
(function () {
  var form = window.mocksfAppForm;
  form.reveal('enableJwtBearer', 'certificateField');

  var name = document.getElementById('name');
  var apiName = document.getElementById('apiName');
  var derived = apiName.value === '' || apiName.value === form.apiNameOf(name.value);
  name.addEventListener('input', function () {
    if (derived) apiName.value = form.apiNameOf(name.value);
  });
  apiName.addEventListener('input', function () { derived = apiName.value === ''; });
})();
