// Quick Find in the Setup sidebar filters the tree as one types, as
// Salesforce's does: an entry stays when its label or a section's above it
// contains the text, a section when an entry under it stays. Without this
// script, Enter asks Setup Home for the same filtered tree (setup.Nav).
(function () {
  var box = document.getElementById('quickFind');
  var tree = document.querySelector('#setupTree .setup-tree');
  if (!box || !tree) return;
  function label(li) {
    var el = li.firstElementChild;
    return el ? el.textContent.toLowerCase() : '';
  }
  function filter(ul, q, above) {
    var any = false;
    Array.prototype.forEach.call(ul.children, function (li) {
      var hit = above || q === '' || label(li).indexOf(q) >= 0;
      var sub = li.querySelector(':scope > ul');
      var shown = sub ? filter(sub, q, hit) : hit;
      li.hidden = !shown;
      any = any || shown;
    });
    return any;
  }
  box.addEventListener('input', function () {
    filter(tree, box.value.trim().toLowerCase(), false);
  });
})();
