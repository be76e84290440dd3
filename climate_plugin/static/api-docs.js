// Starts Swagger UI on the API documentation page (/api/v1/docs). A file rather than an inline script, so
// the page's content security policy can allow scripts from this service only.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") {
    return;
  }
  var fallback = document.getElementById("api-operations");
  if (fallback) {
    fallback.hidden = true;  // Swagger UI shows the same operations, with their schemas and examples
  }
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    // No deep links: they put a link inside each operation's toggle button (nested controls, which screen
    // readers and keyboards cannot use)
    deepLinking: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 2,
    displayRequestDuration: true,
    tryItOutEnabled: false,
    validatorUrl: null,  // never ask an outside validator about this document
    onComplete: function () {
      // Swagger UI puts its operations in a <main> of its own, inside the page's: one main landmark only.
      var inner = root.querySelector("main");
      if (inner) {
        inner.setAttribute("role", "region");
        inner.setAttribute("aria-label", root.getAttribute("data-label"));
      }
    }
  });
});
