// Swagger UI on /api/dokumentation/, reading the API's OpenAPI description from the address
// the page gives. A file of its own: the portal's Content-Security-Policy allows no inline script.
"use strict";

const container = document.getElementById("swagger-ui");
SwaggerUIBundle({
  url: container.dataset.schemaUrl,
  domNode: container,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  // Swagger UI would otherwise ask validator.swagger.io to check the description.
  validatorUrl: null,
});
