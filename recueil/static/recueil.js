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
