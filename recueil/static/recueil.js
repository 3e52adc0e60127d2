// Live character counters: « N sur 1000 caractères max. » (the limit is enforced by the server).
(function () {
  "use strict";
  function update(textarea, counter) {
    var limit = parseInt(textarea.getAttribute("data-limite"), 10);
    var length = textarea.value.replace(/\r\n/g, "\n").length;
    counter.querySelector(".compteur__nombre").textContent = String(length);
    counter.classList.toggle("compteur--depasse", length > limit);
  }
  document.querySelectorAll("textarea[data-limite]").forEach(function (textarea) {
    var counter = document.getElementById(textarea.id + "-compteur");
    if (!counter) { return; }
    textarea.addEventListener("input", function () { update(textarea, counter); });
    update(textarea, counter);
  });
})();

// The Enter key in a search field inside a larger form runs that search (its button is named
// by data-entree) instead of the form's first button. Without this file, the button is there.
(function () {
  "use strict";
  document.querySelectorAll("input[data-entree]").forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var button = document.getElementById(input.getAttribute("data-entree"));
      if (button) { event.preventDefault(); button.click(); }
    });
  });
})();

// After a refused post the error summary has the focus (its autofocus attribute does it
// without this file; this is for the browsers that only autofocus form fields). A link of
// the summary to a group of checkboxes or radio buttons focuses the group's first choice
// (the checked one, for radio buttons), as a link to a text field focuses the field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-resume-erreurs]");
  if (!summary) { return; }
  // also when the address has a fragment (a link followed before the post), which stops
  // the browser's autofocus
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target || target.tagName !== "FIELDSET") { return; }
    var choice = target.querySelector("input:checked:not([type=hidden])") ||
      target.querySelector("input:not([type=hidden]), select, textarea");
    if (!choice) { return; }
    event.preventDefault();
    var legend = target.querySelector("legend");
    (legend || target).scrollIntoView({ block: "start" });
    choice.focus({ preventScroll: true });
  });
})();

// A filter above a long list of grouped checkboxes (the départements): typing « 94 »,
// « loire » or a région's name shows only the matching choices; the checked ones stay sent
// whether shown or not. Without this file the filter stays hidden and every choice shows.
(function () {
  "use strict";
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2013\u2014'’-]/g, " ").replace(/\s+/g, " ").trim();
  }
  document.querySelectorAll("[data-filtre]").forEach(function (box) {
    var fieldset = document.getElementById(box.getAttribute("data-filtre"));
    var input = box.querySelector("input");
    var status = box.querySelector("[data-filtre-etat]");
    if (!fieldset || !input) { return; }
    var groups = Array.prototype.map.call(
      fieldset.querySelectorAll("[data-filtre-groupe]"),
      function (group) {
        var legend = group.querySelector("legend");
        return {
          element: group,
          name: plain(legend ? legend.textContent : ""),
          items: Array.prototype.map.call(
            group.querySelectorAll("[data-filtre-choix]"),
            function (item) { return { element: item, text: plain(item.textContent) }; }
          )
        };
      }
    );
    var total = groups.reduce(function (n, g) { return n + g.items.length; }, 0);
    function apply() {
      var query = plain(input.value);
      var shown = 0;
      groups.forEach(function (group) {
        var whole = query !== "" && group.name.indexOf(query) !== -1;
        var visible = 0;
        group.items.forEach(function (item) {
          var match = query === "" || whole || item.text.indexOf(query) !== -1;
          item.element.hidden = !match;
          if (match) { visible += 1; }
        });
        group.element.hidden = visible === 0;
        shown += visible;
      });
      status.textContent = query === "" ? "" :
        (shown === 0 ? "Aucun choix ne correspond." :
          shown + " sur " + total + " affiché" + (shown > 1 ? "s" : "") + ".");
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      // Enter in the filter filters; it does not send the form
      if (event.key === "Enter") { event.preventDefault(); apply(); }
    });
    box.hidden = false;
  });
})();
