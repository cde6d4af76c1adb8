// Lead form helper. The form works without JavaScript; this only adds context fields.
(function () {
  "use strict";
  var form = document.getElementById("lead-form");
  if (!form) return;

  // When the form was loaded (ms since epoch); the backend uses it to spot instant bot submissions.
  var started = document.getElementById("form_started_at");
  if (started) started.value = String(Date.now());

  // Campaign parameters from the page's query string (max. 100 characters each, like the database).
  var params;
  try {
    params = new URLSearchParams(window.location.search);
  } catch (e) {
    params = null;
  }
  ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (key) {
    var input = document.getElementById(key);
    var value = params ? params.get(key) : null;
    if (input && value) input.value = value.trim().slice(0, 100);
  });

  // Prevent double submits; re-enable when the page comes back from the browser's back/forward cache.
  var button = document.getElementById("submit");
  var label = button ? button.textContent : "";
  form.addEventListener("submit", function () {
    if (button) {
      button.disabled = true;
      button.textContent = "Wird gesendet …";
    }
  });
  window.addEventListener("pageshow", function () {
    if (button) {
      button.disabled = false;
      button.textContent = label;
    }
  });
})();
