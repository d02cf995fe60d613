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
  new MutationObserver(function () {
    document.querySelectorAll("textarea:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", box.classList.contains("body-param__text")
        ? "Request body (JSON)" : "Value");
    });
  }).observe(document.getElementById("swagger-ui"), {childList: true, subtree: true});
});
