// Quick exit: leave for an ordinary page, replacing this one in the history so "back" does not return here, and
// tell the server to forget the follow-up session. Esc twice does the same. Without JavaScript the link itself
// goes through /report/exit/, which does both.
(function () {
  "use strict";
  function leave(event) {
    var link = document.getElementById("quick-exit");
    if (!link) { return; }
    if (event) { event.preventDefault(); }
    try { fetch(link.getAttribute("href"), {credentials: "same-origin", keepalive: true, redirect: "manual"}); }
    catch (e) { /* leaving matters more than the clean-up */ }
    document.body.style.display = "none";
    window.location.replace(link.getAttribute("data-to"));
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); }
    lastEscape = now;
  });
  // An error summary takes focus when the page opens, so a screen reader reads it first; its links move focus
  // to the field itself (a plain link to the field only scrolls), keeping its label or question in view.
  function showField(event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    var input = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!input) { return; }
    event.preventDefault();
    var around = input.closest(".field, fieldset") || input;
    around.scrollIntoView();
    input.focus({preventScroll: true});
  }
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("quick-exit");
    if (link) { link.addEventListener("click", leave); }
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", showField);
    }
  });
}());
