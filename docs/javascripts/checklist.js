/* Checklists on screen: ticks are kept in this browser only (localStorage), per
 * checklist id and version, so a new version of a checklist starts clean.
 * Ticks survive a reload, print as ticked (print.css draws the boxes from the
 * inputs' state) and are cleared by a reset button. Print buttons open the
 * browser's print dialog. No framework, no network; works from file:// too.
 *
 * Markup (macros/templates/checklist*.html.j2, print_all.html.j2):
 *   section.hb-checklist[data-checklist][data-version]  one checklist
 *     input.hb-tick[data-item]                          one item
 *   [data-hb-reset="<id>"]  clears that checklist; an empty value clears every
 *                           checklist on the page
 *   [data-hb-print]         prints the page
 */
(function () {
  "use strict";

  var PREFIX = "hb-ticks:";

  // One key per checklist and version: "hb-ticks:<id>@<version>". The value is
  // the list of ticked data-item values.
  function keyOf(section) {
    return PREFIX + section.getAttribute("data-checklist") + "@" + section.getAttribute("data-version");
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: ticking still works, it is just not kept
    }
  }

  function read(key) {
    var store = storage();
    try {
      var value = store && JSON.parse(store.getItem(key));
      return Array.isArray(value) ? value : [];
    } catch (e) {
      return [];
    }
  }

  function write(key, items) {
    var store = storage();
    if (!store) return;
    try {
      if (items.length) store.setItem(key, JSON.stringify(items));
      else store.removeItem(key);
    } catch (e) {
      /* quota or private mode: keep the ticks on the page only */
    }
  }

  // Ticks kept for other versions of this checklist belong to texts that no
  // longer exist; drop them so storage does not grow with every revision.
  function dropOtherVersions(section) {
    var store = storage();
    if (!store) return;
    var own = keyOf(section);
    var stem = PREFIX + section.getAttribute("data-checklist") + "@";
    try {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key !== own && key.indexOf(stem) === 0) store.removeItem(key);
      }
    } catch (e) {
      /* ignore */
    }
  }

  function boxes(section) {
    return section.querySelectorAll("input.hb-tick[data-item]");
  }

  function sync(section) {
    var items = read(keyOf(section));
    boxes(section).forEach(function (box) {
      box.checked = items.indexOf(box.getAttribute("data-item")) !== -1;
    });
  }

  function save(section) {
    var items = [];
    boxes(section).forEach(function (box) {
      if (box.checked) items.push(box.getAttribute("data-item"));
    });
    write(keyOf(section), items);
  }

  function sections() {
    return document.querySelectorAll("section.hb-checklist[data-checklist][data-version]");
  }

  function setup() {
    sections().forEach(function (section) {
      if (section.hasAttribute("data-hb-ready")) return;
      section.setAttribute("data-hb-ready", "");
      dropOtherVersions(section);
      sync(section);
    });
  }

  function reset(id) {
    sections().forEach(function (section) {
      if (id && section.getAttribute("data-checklist") !== id) return;
      write(keyOf(section), []);
      sync(section);
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("input.hb-tick[data-item]")) return;
    var section = box.closest("section.hb-checklist[data-checklist][data-version]");
    if (section) {
      save(section);
      // The same checklist may appear twice on a page (not today, but cheap to honour).
      sections().forEach(function (other) {
        if (other !== section && keyOf(other) === keyOf(section)) sync(other);
      });
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var resetButton = target.closest("[data-hb-reset]");
    if (resetButton) {
      event.preventDefault();
      reset(resetButton.getAttribute("data-hb-reset"));
      return;
    }
    if (target.closest("[data-hb-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  // Another tab or window ticking the same checklist.
  window.addEventListener("storage", function (event) {
    if (event.key === null || event.key.indexOf(PREFIX) === 0) {
      sections().forEach(function (section) {
        if (event.key === null || event.key === keyOf(section)) sync(section);
      });
    }
  });

  // Back/forward cache restores the old DOM; read the ticks again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) sections().forEach(sync);
  });

  // Material's instant navigation (not enabled in mkdocs.yml) would swap pages
  // without a reload; document$ then announces each new page.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
