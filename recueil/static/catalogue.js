// The catalogue without waiting for the « Filtrer » button: a ticked box applies at once (the
// form says so first) and, once the page is back, the focus returns to that box. The practice's
// page gets a print button. Everything works without this file: the forms have their buttons.
(function () {
  "use strict";
  var KEY = "recueil-filtre-focus";

  var filters = document.getElementById("filtres");
  var fold = document.getElementById("filtres-repli");
  if (fold && window.matchMedia && window.matchMedia("(min-width: 48em)").matches) {
    fold.open = true;  // wide screens show the filters beside the results
  }
  if (filters) {
    var hint = document.createElement("p");
    hint.className = "fr-hint-text";
    hint.textContent = "Les résultats se mettent à jour dès que vous cochez ou décochez une case.";
    var title = document.getElementById("filtres-titre");
    if (title) { title.insertAdjacentElement("afterend", hint); }
    filters.addEventListener("change", function (event) {
      var target = event.target;
      // years are typed: they apply with « Filtrer » or the Enter key
      if (target.type !== "checkbox") { return; }
      try { window.sessionStorage.setItem(KEY, target.id); } catch (e) { /* private mode */ }
      if (filters.requestSubmit) { filters.requestSubmit(); } else { filters.submit(); }
    });
    try {
      var id = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
      var box = id && document.getElementById(id);
      if (box) {
        if (fold) { fold.open = true; }
        box.focus();
      }
    } catch (e) { /* private mode */ }
  }

  document.querySelectorAll("[data-imprimer]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-imprimer-aide]").forEach(function (aide) {
    aide.hidden = true;
  });
})();
