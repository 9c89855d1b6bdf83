/**
 * The UI's only script, served as /assets/app.js (the CSP forbids inline script). Plain browser JavaScript kept
 * as a string so that it ships inside the compiled package with no build step: no template literals in it.
 */
export const APP_JS = String.raw`'use strict';
(function () {
  var NAME_KEY = 'evalflow.sourceId';

  // Forms that apply as soon as a box is ticked (metric columns, charted metrics).
  document.querySelectorAll('form[data-autosubmit]').forEach(function (form) {
    form.addEventListener('change', function () {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });

  // Comparing runs needs two or more of them ticked.
  var compareButton = document.querySelector('[data-compare-button]');
  if (compareButton) {
    var boxes = document.querySelectorAll('input[type=checkbox][name=runs]');
    var count = document.querySelector('[data-compare-count]');
    var update = function () {
      var selected = 0;
      boxes.forEach(function (box) { if (box.checked) selected += 1; });
      compareButton.disabled = selected < 2;
      if (count) count.textContent = selected < 2 ? 'tick two or more runs to compare them' : selected + ' runs selected';
    };
    boxes.forEach(function (box) { box.addEventListener('change', update); });
    update();
  }

  // The span tree: open or close every span at once.
  var setAllSpans = function (open) {
    document.querySelectorAll('details.span').forEach(function (details) { details.open = open; });
  };
  document.querySelectorAll('[data-expand-all]').forEach(function (button) {
    button.addEventListener('click', function () { setAllSpans(true); });
  });
  document.querySelectorAll('[data-collapse-all]').forEach(function (button) {
    button.addEventListener('click', function () { setAllSpans(false); });
  });

  // The reviewer's name is remembered in this browser.
  document.querySelectorAll('input[data-remember]').forEach(function (input) {
    try {
      var saved = window.localStorage.getItem(NAME_KEY);
      if (saved && !input.value) input.value = saved;
    } catch (ignored) { /* storage may be off */ }
  });

  // "0.8" is a number, "true" a boolean, a JSON list or object is parsed, anything else is text.
  var parseValue = function (text) {
    var trimmed = text.trim();
    if (trimmed === 'true') return true;
    if (trimmed === 'false') return false;
    if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
    if (/^[\[{]/.test(trimmed)) {
      try { return JSON.parse(trimmed); } catch (ignored) { /* text */ }
    }
    return text;
  };

  // Feedback and overrides go to the JSON API; the page is reloaded to show what the store now holds.
  document.querySelectorAll('form[data-api]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var errorBox = form.querySelector('.form-error');
      var button = form.querySelector('button[type=submit]');
      var body = {};
      new FormData(form).forEach(function (value, key) {
        if (typeof value === 'string' && value.trim() !== '') body[key] = value;
      });
      if (typeof body.value === 'string') body.value = parseValue(body.value);
      if (body.sourceId) {
        try { window.localStorage.setItem(NAME_KEY, body.sourceId); } catch (ignored) { /* storage may be off */ }
      }
      if (button) button.disabled = true;
      fetch(form.getAttribute('data-api'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      })
        .then(function (response) {
          return response.json().then(function (payload) {
            if (!response.ok) throw new Error((payload && payload.message) || 'HTTP ' + response.status);
            return payload;
          });
        })
        .then(function () { window.location.reload(); })
        .catch(function (error) {
          if (errorBox) {
            errorBox.textContent = String((error && error.message) || error);
            errorBox.hidden = false;
          }
          if (button) button.disabled = false;
        });
    });
  });
})();
`;
