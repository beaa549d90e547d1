/* Phone menu: without this script the navigation simply wraps, so it always works. */
(function () {
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) { return; }
  var narrow = window.matchMedia("(max-width: 720px)");
  function set(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("collapsed", !open && narrow.matches);
  }
  function sync() { toggle.hidden = !narrow.matches; set(false); }
  toggle.addEventListener("click", function () { set(toggle.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") { set(false); toggle.focus(); }
  });
  narrow.addEventListener("change", sync);
  sync();
}());
