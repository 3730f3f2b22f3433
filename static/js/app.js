// Progressive enhancements; every page works without this file.
"use strict";

// Ask before a destructive form is sent (forms marked with data-confirm).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
