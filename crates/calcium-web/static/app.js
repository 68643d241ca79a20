// Calcium — Batch: row selection, keyboard and dialogs of the batch page.
// No inline script anywhere (the Content-Security-Policy forbids it): this file and htmx are
// the only scripts. Everything the server sends is rendered by htmx; this file never builds
// HTML from data.
(function () {
  "use strict";

  var selected = null; // code of the selected batch, kept across table reloads

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#batch-table tr.batch-row"));
  }

  function dialog() {
    return document.getElementById("dialog");
  }

  function select(row, focus) {
    rows().forEach(function (r) {
      var on = r === row;
      r.classList.toggle("is-selected", on);
      r.setAttribute("aria-selected", on ? "true" : "false");
    });
    selected = row ? row.dataset.code : null;
    document.querySelectorAll("[data-action]").forEach(function (button) {
      button.disabled = !selected;
    });
    var hint = document.getElementById("selection-hint");
    if (hint) {
      hint.textContent = selected
        ? "Batch sélectionné : " + selected
        : "Sélectionnez une ligne (clic ou flèches ↑ ↓) pour agir sur un batch.";
    }
    if (row && focus) {
      row.focus();
    }
  }

  function restoreSelection() {
    if (!selected) {
      return;
    }
    var row = rows().find(function (r) { return r.dataset.code === selected; });
    select(row || null, false);
  }

  function openDialog(url) {
    htmx.ajax("GET", url, { target: "#dialog-body", swap: "innerHTML" });
  }

  function closeDialog() {
    var d = dialog();
    if (d && d.open) {
      d.close();
    }
  }

  document.addEventListener("click", function (event) {
    var row = event.target.closest("#batch-table tr.batch-row");
    if (row) {
      select(row, true);
      return;
    }
    var action = event.target.closest("[data-action]");
    if (action && selected) {
      var code = encodeURIComponent(selected);
      var paths = { edit: "/edit", history: "/history", launch: "/launch" };
      openDialog("/batches/" + code + paths[action.dataset.action]);
      return;
    }
    if (event.target.closest("[data-close]")) {
      closeDialog();
    }
  });

  // Double click on a row opens "Modifier", as in the original page.
  document.addEventListener("dblclick", function (event) {
    var row = event.target.closest("#batch-table tr.batch-row");
    if (row) {
      select(row, true);
      openDialog("/batches/" + encodeURIComponent(row.dataset.code) + "/edit");
    }
  });

  document.addEventListener("keydown", function (event) {
    var d = dialog();
    if (event.key === "Escape" && d && d.open) {
      event.preventDefault();
      closeDialog();
      return;
    }
    if (d && d.open) {
      // Enter on a history row opens its log, like a click.
      var historyRow = event.target.closest && event.target.closest("tr.history-row");
      if (historyRow && event.key === "Enter") {
        historyRow.click();
      }
      return;
    }
    if (event.target.matches && event.target.matches("input, select, textarea")) {
      return;
    }
    var list = rows();
    if (!list.length) {
      return;
    }
    var index = list.findIndex(function (r) { return r.dataset.code === selected; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = event.key === "ArrowDown" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      select(list[index < 0 ? 0 : next], true);
    } else if (event.key === "Home") {
      event.preventDefault();
      select(list[0], true);
    } else if (event.key === "End") {
      event.preventDefault();
      select(list[list.length - 1], true);
    }
  });

  // A dialog's content arrived: open the dialog if it is not open yet.
  document.addEventListener("htmx:afterSwap", function (event) {
    var d = dialog();
    if (d && event.detail.target && event.detail.target.id === "dialog-body") {
      if (!d.open) {
        d.showModal();
      }
      var focus = d.querySelector("[autofocus]");
      if (focus) {
        focus.focus();
      }
    }
  });

  // The table was reloaded (polling, Rafraîchir, after a change): keep the selection.
  document.addEventListener("htmx:afterSettle", restoreSelection);

  // The server says the dialog's work is done (HX-Trigger: dialog-close).
  document.body.addEventListener("dialog-close", closeDialog);

  // The gear menu of the history: hide or show a column at once; the form saves the choice.
  document.addEventListener("change", function (event) {
    var box = event.target.closest("#history-columns input[name=shown]");
    var table = document.getElementById("history-table");
    if (!box || !table) {
      return;
    }
    var hidden = Array.prototype.slice
      .call(document.querySelectorAll("#history-columns input[name=shown]"))
      .filter(function (b) { return !b.checked; })
      .map(function (b) { return b.value; });
    table.dataset.hidden = hidden.join(" ");
  });

  // Back to the selected row when a dialog closes (Escape, Fermer, ✕ or done).
  document.addEventListener("close", function (event) {
    if (event.target === dialog()) {
      document.getElementById("dialog-body").replaceChildren();
      restoreSelection();
      var row = rows().find(function (r) { return r.dataset.code === selected; });
      if (row) {
        row.focus();
      }
    }
  }, true);
})();
