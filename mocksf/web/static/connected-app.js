// The New and Edit Connected App form, besides what app-form.js does for
// it: show the certificate upload with "Use digital signatures" and the
// security warning with "Enable Client Credentials Flow", and derive the
// API name from the name when the name is left with the API name empty.
(function () {
  var form = window.mocksfAppForm;
  form.reveal('useDigitalSignatures', 'certificateField');
  form.reveal('enableClientCredentials', 'clientCredentialsWarning');

  var name = document.getElementById('name');
  var apiName = document.getElementById('apiName');
  name.addEventListener('blur', function () {
    if (apiName.value !== '') return;
    apiName.value = form.apiNameOf(name.value);
  });
})();
