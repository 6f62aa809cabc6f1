// Optional enhancement of the zhrepair report (the page reads the same without it):
// j / k move to the next / previous edit, and an edit's explanation is kept inside the window.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var edits = Array.prototype.slice.call(document.querySelectorAll(".text .e[tabindex]"));
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || !edits.length) return;
    var step = ev.key === "j" ? 1 : ev.key === "k" ? -1 : 0;
    if (!step) return;
    var at = edits.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : edits.length - 1) : (at + step + edits.length) % edits.length;
    edits[next].focus();
    edits[next].scrollIntoView({block: "center"});
    ev.preventDefault();
  });
  function fit(ev) {
    var edit = ev.target.closest ? ev.target.closest(".e") : null;
    var tip = edit ? edit.querySelector(".tip") : null;
    if (!tip) return;
    edit.classList.remove("flip");
    if (tip.getBoundingClientRect().right > document.documentElement.clientWidth - 8) edit.classList.add("flip");
  }
  document.addEventListener("focusin", fit);
  document.addEventListener("mouseover", fit);
})();
