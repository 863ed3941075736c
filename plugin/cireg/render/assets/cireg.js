/* cireg: filtering and sorting of the backlog table, in the reader's browser.

   The backlog page is complete without this script: every initiative is a row of a plain
   table. The script shows the filter form (hidden until then), turns the column headers into
   sort buttons and keeps the page address in step with the form, so that a filtered view
   can be shared and survives going back from an initiative page.

   The page's template holds every fact the script needs (see backlog.md.j2): the form's
   field names are the query parameters, the order of a facet's options is its sort order,
   and `data-*` attributes carry what the cells do not show.

   A register may hold thousands of initiatives, so a keystroke does little: each row's
   facts are read from the page once, a row is shown or hidden only when its answer
   changes, nothing reads layout, and the rows are re-ordered only when the sort changes.
   The stylesheet makes each row lay itself out on its own (see cireg.css). */
(function () {
  "use strict";

  var TABLE = "table.cireg-backlog";
  var FORM = "cireg-filters";
  var COUNT = "cireg-count";
  var FACETS = ["status", "priority", "owner", "activity"];
  var MISSING = "\u2013"; // the en dash the pages show for an absent value
  // A row filtered out carries this attribute, which cireg.css hides. Not `hidden`: the
  // theme's stylesheet has rules on [hidden] that make the browser check every following
  // row whenever one row's `hidden` changes, which doubled the time to show 1,000 rows.
  var FILTERED_OUT = "data-filtered-out";
  // The text field's parameter is `filter`, not `q`: Material's search opens on `?q=`.

  // Case- and accent-insensitive text, for matching what a reader types.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function cellText(cell) {
    var text = cell ? cell.textContent.trim() : "";
    return text === MISSING ? "" : text;
  }

  // Everything about a row that filtering and sorting look at, read once. What a row shows
  // comes from its cells; `data-*` holds only what no cell shows (see backlog.md.j2).
  function readRow(row, index, form) {
    var cells = row.cells;
    var link = cells[1] ? cells[1].querySelector("a") : null;
    var code = cells[1] ? cells[1].querySelector("code") : null;
    var title = link ? link.textContent.trim() : "";
    var id = code ? code.textContent.trim() : "";
    var owner = cellText(cells[3]);
    var data = row.dataset;
    var status = data.status || cellText(cells[2]);
    var priority = cellText(cells[4]) || "none";
    var activityOptions = form.elements.activity.options;
    var rankIn = function (facet, value) {
      var select = form.elements[facet];
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) return i;
      }
      return null;
    };
    var sortData = function (cell) {
      var raw = cell ? cell.getAttribute("data-sort") : null;
      return raw === null || raw === "" ? null : Number(raw);
    };
    var review = cellText(cells[7]).slice(0, 10);
    return {
      element: row,
      shown: !row.hasAttribute(FILTERED_OUT),
      // Each facet's values, in FACETS' order; a row may have several activities, given as
      // positions among the activity options (read before an address can add any).
      values: [
        [status],
        [priority],
        [owner],
        (data.activity || "").split(" ").filter(Boolean).map(function (n) {
          var option = activityOptions[Number(n)];
          return option ? option.value : n;
        }),
      ],
      text: fold([title, id, owner, data.terms || ""].join(" \u0000 ")),
      keys: {
        position: index,
        title: title ? fold(title) : null,
        status: rankIn("status", status),
        owner: owner ? fold(owner) : null,
        priority: priority === "none" ? null : rankIn("priority", priority),
        value: sortData(cells[5]),
        steps: sortData(cells[6]),
        review: /^\d{4}-\d{2}-\d{2}$/.test(review) ? review : null,
        outcome: sortData(cells[8]),
      },
    };
  }

  // `wanted` is null when the facet is not filtered on.
  function matchesFacet(values, wanted) {
    if (!wanted) return true;
    for (var i = 0; i < values.length; i += 1) {
      if (wanted.indexOf(values[i]) >= 0) return true;
    }
    return false;
  }

  function matchesText(row, words) {
    for (var i = 0; i < words.length; i += 1) {
      if (row.text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  // Absent values go last whichever way the column is sorted; ties keep backlog order.
  function compareBy(key, reverse) {
    var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    return function (a, b) {
      var x = a.keys[key];
      var y = b.keys[key];
      if (x === null || y === null) {
        if (x === null && y === null) return a.keys.position - b.keys.position;
        return x === null ? 1 : -1;
      }
      var order = typeof x === "string" ? collator.compare(x, y) : x - y;
      if (reverse) order = -order;
      return order || a.keys.position - b.keys.position;
    };
  }

  function Backlog(table, form, count) {
    this.table = table;
    this.form = form;
    this.count = count;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.map.call(this.body.rows, function (row, index) {
      return readRow(row, index, form);
    });
    this.order = this.rows.slice();
    this.sorted = "position"; // the key and direction `order` is in: the page's own order
    this.headers = Array.prototype.filter.call(table.tHead.rows[0].cells, function (cell) {
      return cell.hasAttribute("data-sort");
    });
    this.labels = new Map(); // each facet option's words, before counts are added
    var labels = this.labels;
    FACETS.forEach(function (facet) {
      Array.prototype.forEach.call(form.elements[facet].options, function (option) {
        labels.set(option, option.textContent);
      });
    });
  }

  Backlog.prototype.state = function () {
    var elements = this.form.elements;
    var state = { filter: elements.filter.value, sort: elements.sort.value, order: elements.order.value };
    FACETS.forEach(function (facet) { state[facet] = elements[facet].value; });
    return state;
  };

  // The values a facet's chosen option admits, or null for "All".
  Backlog.prototype.wanted = function (facet) {
    var select = this.form.elements[facet];
    if (!select.value) return null;
    var option = select.options[select.selectedIndex];
    var any = option ? option.getAttribute("data-any") : null;
    return any ? any.split(" ") : [select.value];
  };

  // Show the rows that pass every filter, in the chosen order, and say how many. Plain loops:
  // this runs on every keystroke over every row.
  Backlog.prototype.apply = function () {
    var state = this.state();
    var words = fold(state.filter).split(/\s+/).filter(Boolean);
    var wanted = FACETS.map(this.wanted, this);
    var counts = FACETS.map(function () { return new Map(); });
    var shown = 0;
    for (var r = 0; r < this.rows.length; r += 1) {
      var row = this.rows[r];
      var textOk = matchesText(row, words);
      var failures = 0;
      var failed = -1;
      for (var f = 0; f < FACETS.length; f += 1) {
        if (!matchesFacet(row.values[f], wanted[f])) {
          failures += 1;
          failed = f;
        }
      }
      var visible = textOk && failures === 0;
      if (row.shown !== visible) {
        row.shown = visible;
        row.element.toggleAttribute(FILTERED_OUT, !visible);
      }
      if (visible) shown += 1;
      // A facet's counts answer "how many rows would this option show with the other
      // filters as they are".
      if (!textOk || failures > 1) continue;
      for (f = 0; f < FACETS.length; f += 1) {
        if (failures === 1 && failed !== f) continue;
        var seen = counts[f];
        var values = row.values[f];
        for (var v = 0; v < values.length; v += 1) {
          seen.set(values[v], (seen.get(values[v]) || 0) + 1);
        }
        seen.set("", (seen.get("") || 0) + 1);
      }
    }
    this.showCounts(counts);
    this.sort(state.sort || "position", state.order === "reverse");

    var total = this.rows.length;
    var noun = total === 1 ? "initiative" : "initiatives";
    var said = shown === total
      ? "Showing all " + total + " " + noun + "."
      : "Showing " + shown + " of " + total + " " + noun + "." +
        (shown === 0 ? " No initiative matches these filters." : "");
    // Unchanged words are left alone: the count is a live region, read out when it changes.
    if (this.count.textContent !== said) this.count.textContent = said;
    this.table.classList.toggle("cireg-backlog--empty", shown === 0);
  };

  Backlog.prototype.showCounts = function (counts) {
    var labels = this.labels;
    FACETS.forEach(function (facet, f) {
      var seen = counts[f];
      Array.prototype.forEach.call(this.form.elements[facet].options, function (option) {
        var n = 0;
        var any = option.getAttribute("data-any");
        if (any) {
          any.split(" ").forEach(function (value) { n += seen.get(value) || 0; });
        } else {
          n = seen.get(option.value) || 0;
        }
        var text = labels.get(option) + " (" + n + ")";
        if (option.textContent !== text) option.textContent = text;
      });
    }, this);
  };

  // Filtering never changes the order, so typing in the filter sorts nothing.
  Backlog.prototype.sort = function (key, reverse) {
    var sorted = key + (reverse ? " reversed" : "");
    if (sorted !== this.sorted) {
      var wanted = this.rows.slice().sort(compareBy(key, reverse));
      var same = wanted.every(function (row, i) { return row === this.order[i]; }, this);
      if (!same) {
        var fragment = document.createDocumentFragment();
        wanted.forEach(function (row) { fragment.appendChild(row.element); });
        this.body.appendChild(fragment);
        this.order = wanted;
      }
      this.sorted = sorted;
    }
    this.headers.forEach(function (header) {
      var active = header.getAttribute("data-sort") === key;
      if (active) header.setAttribute("aria-sort", reverse ? "descending" : "ascending");
      else header.removeAttribute("aria-sort");
    });
  };

  // The address's query holds every field that differs from its default.
  Backlog.prototype.saveToAddress = function () {
    var params = new URLSearchParams(window.location.search);
    var state = this.state();
    Object.keys(state).forEach(function (name) {
      if (state[name]) params.set(name, state[name]);
      else params.delete(name);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      // Keep the history entry's state: Material's instant navigation keeps its own there.
      window.history.replaceState(window.history.state, "", url);
    }
  };

  Backlog.prototype.loadFromAddress = function () {
    var params = new URLSearchParams(window.location.search);
    var elements = this.form.elements;
    ["filter", "sort", "order"].concat(FACETS).forEach(function (name) {
      var value = params.get(name) || "";
      var field = elements[name];
      if (field.tagName === "SELECT" && value && !hasOption(field, value)) {
        if (FACETS.indexOf(name) < 0) value = ""; // an unknown sort: backlog order
        else addMissingOption(field, value, this.labels);
      }
      field.value = value;
    }, this);
  };

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  // A shared address may name an owner or status the register no longer has: keep it,
  // so the reader sees why nothing matches, rather than silently showing everything.
  function addMissingOption(select, value, labels) {
    var option = document.createElement("option");
    option.value = value;
    option.textContent = value + ", not in the register";
    labels.set(option, option.textContent);
    select.appendChild(option);
  }

  Backlog.prototype.sortByHeader = function (key) {
    var elements = this.form.elements;
    var current = elements.sort.value || "position";
    if (current === key) {
      elements.order.value = elements.order.value === "reverse" ? "" : "reverse";
    } else {
      elements.order.value = "";
    }
    elements.sort.value = key === "position" ? "" : key;
    this.update();
  };

  Backlog.prototype.update = function () {
    this.apply();
    this.saveToAddress();
  };

  Backlog.prototype.addSortButtons = function () {
    var self = this;
    this.headers.forEach(function (header) {
      var key = header.getAttribute("data-sort");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cireg-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      var arrow = document.createElement("span");
      arrow.className = "cireg-sort__arrow";
      arrow.setAttribute("aria-hidden", "true");
      button.appendChild(arrow);
      button.title = "Sort by this column; again to reverse";
      button.addEventListener("click", function () { self.sortByHeader(key); });
      header.appendChild(button);
    });
  };

  Backlog.prototype.start = function () {
    var self = this;
    var form = this.form;
    this.addSortButtons();
    this.loadFromAddress();
    form.addEventListener("input", function () { self.update(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      // The form's own reset runs after this event; apply what it leaves.
      window.setTimeout(function () { self.update(); }, 0);
    });
    form.hidden = false;
    this.apply();
  };

  // Material's search box is a dialog without a name; screen readers announce it as just
  // "dialog". It only works with JavaScript, so naming it here loses nobody.
  function nameSearchDialog() {
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.hasAttribute("aria-label") && !search.hasAttribute("aria-labelledby")) {
      search.setAttribute("aria-label", "Search the register");
    }
  }

  function setUp() {
    nameSearchDialog();
    var table = document.querySelector(TABLE);
    var form = document.getElementById(FORM);
    var count = document.getElementById(COUNT);
    if (!table || !form || !count || !table.tHead || !table.tBodies.length) return;
    if (table.hasAttribute("data-cireg-ready")) return;
    table.setAttribute("data-cireg-ready", "");
    new Backlog(table, form, count).start();
  }

  // Material's instant navigation swaps pages without loading scripts again and announces
  // each new page on `document$`; without it, the page loads as usual.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
