// Copy buttons on Consumer Details.
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var text = document.getElementById(b.dataset.copy).textContent;
    if (navigator.clipboard) { navigator.clipboard.writeText(text).catch(function () {}); }
    b.textContent = 'Copied';
  });
});
