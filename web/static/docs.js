// Starts Swagger UI for /docs from a file, so the strict CSP needs no inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // deep links put an <a> inside each operation's toggle button: nested interactive
    // controls that a screen reader cannot reach (axe-core: nested-interactive)
    deepLinking: false,
  });
  // Swagger UI's request-body editor is a bare <textarea>: give each one a name as it appears.
  // Its headings skip a level (the title is an h1, each tag an h3, an operation's parts h4
  // and h5), so a screen reader's outline has gaps (axe-core: heading-order): the outline
  // gets the levels it should have, and the elements, so Swagger's styles, stay as they are.
  // After "Execute", the copy buttons have no name and the curl box scrolls out of a
  // keyboard's reach (axe-core: button-name, scrollable-region-focusable).
  var fixes = [["h3.opblock-tag", "aria-level", "2"], [".opblock h4", "aria-level", "3"],
               [".opblock h5", "aria-level", "4"], ["section.models > h4", "aria-level", "2"],
               [".copy-to-clipboard > button", "aria-label", "Copy to clipboard"],
               ["pre.curl", "tabindex", "0"]];
  new MutationObserver(function () {
    document.querySelectorAll("textarea:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", box.classList.contains("body-param__text")
        ? "Request body (JSON)" : "Value");
    });
    fixes.forEach(function (fix) {
      document.querySelectorAll(fix[0] + ":not([" + fix[1] + "])").forEach(function (node) {
        node.setAttribute(fix[1], fix[2]);
      });
    });
  }).observe(document.getElementById("swagger-ui"), {childList: true, subtree: true});
});
