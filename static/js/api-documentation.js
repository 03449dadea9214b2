// Swagger UI on /api/dokumentation/, reading the API's OpenAPI description from the address
// the page gives. A file of its own: the portal's Content-Security-Policy allows no inline script.
"use strict";

const container = document.getElementById("swagger-ui");
SwaggerUIBundle({
  url: container.dataset.schemaUrl,
  domNode: container,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // Deep links would put a link inside each operation's button, which screen readers may not announce.
  deepLinking: false,
  // Swagger UI would otherwise ask validator.swagger.io to check the description.
  validatorUrl: null,
});
