// Swagger UI for /docs/<service>: a file, not an inline script, so the pages keep the site's CSP.
window.ui = SwaggerUIBundle({
  url: window.location.pathname.replace(/\/+$/, '') + '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
})
