// Progressive enhancements of the document pages; every page works without this file.
"use strict";

(() => {
  // Writing a new document: the good-practice fields only while "Good practice" is chosen.
  const practiceFields = document.querySelector("[data-practice-fields]");
  const kinds = document.querySelectorAll("input[data-kind]");
  if (practiceFields && kinds.length) {
    const showChosen = () => {
      const chosen = document.querySelector("input[data-kind]:checked");
      practiceFields.hidden = !chosen || chosen.value !== "good_practice";
    };
    kinds.forEach((kind) => kind.addEventListener("change", showChosen));
    showChosen();
  }

  // Preview in place, kept up to date while typing. The server renders it with the same code that
  // renders a saved document, so what is previewed is what will be shown.
  const form = document.querySelector("[data-document-form]");
  const button = form && form.querySelector("[data-preview-button]");
  const panel = document.getElementById("preview");
  const target = panel && panel.querySelector("[data-preview-body]");
  const textarea = form && form.querySelector("textarea[name=body]");
  if (form && button && panel && target && textarea) {
    const showLabel = button.textContent;
    const hideLabel = button.dataset.hideLabel || showLabel;
    let following = !panel.hidden;
    let timer = null;
    let inFlight = null;

    const setFollowing = (on) => {
      following = on;
      panel.hidden = !on;
      button.textContent = on ? hideLabel : showLabel;
      button.setAttribute("aria-expanded", String(on));
      form.classList.toggle("doc-form--previewing", on);
    };

    const refresh = async () => {
      const data = new FormData(form);
      data.set("preview", "1");
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      try {
        const response = await fetch(form.action, {
          method: "POST", body: data, credentials: "same-origin", signal: inFlight.signal,
        });
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("#preview [data-preview-body]");
        if (!fresh) throw new Error("no preview in the answer");
        target.replaceChildren(...[...fresh.childNodes].map((node) => document.importNode(node, true)));
      } catch (error) {
        if (error.name !== "AbortError") form.requestSubmit(button); // fall back to the page without JavaScript
      }
    };

    button.setAttribute("aria-controls", "preview");
    setFollowing(following);
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (following) { setFollowing(false); return; }
      setFollowing(true);
      refresh();
    });
    textarea.addEventListener("input", () => {
      if (!following) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }

  // The printable page: a button instead of the hint about the browser's print command.
  document.querySelectorAll("[data-print]").forEach((print) => {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
    document.querySelectorAll("[data-print-hint]").forEach((hint) => { hint.hidden = true; });
  });
})();
