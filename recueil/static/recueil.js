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
