/* Pages of the migration dashboard that show a state still changing.
 *
 * 1. A refresh keeps what the operator has open or ticked.  Horizon's row
 *    refresh (horizon.datatables.update) replaces a whole <tr> with its
 *    answer; an action menu opened while that answer was on its way
 *    closed under the mouse (Horizon only checks for an open menu before
 *    sending).  Here the row is still replaced, as Horizon does, so it
 *    shows Nova's state and Horizon's polling loop (its decay, its
 *    answers) stays Horizon's own; only the open menu, the ticked box and
 *    the focus are carried into the new row, in the same task (nothing is
 *    painted in between).  Dropping or deferring the answer instead
 *    leaves the row stale after the menu closes.
 *
 * 2. Parts of a page that are not table rows (a summary, the steps of a
 *    migration, the drain status block) refresh themselves: an element
 *    with data-md-refresh-url is replaced by what that URL answers (the
 *    same element, rendered again) every data-md-refresh-interval ms; the
 *    answer carries no data-md-refresh-url once its state is final, which
 *    ends the polling.  Slower after each answer that changed nothing, at
 *    most every 30 s, like Horizon's rows, unless the element says
 *    data-md-refresh-steady (the drain status: each look moves its queue
 *    on).  An element with data-md-refresh-signature is replaced whole
 *    only when the signature changes (Horizon's table set-up then done
 *    again on the new table); otherwise only its data-md-refresh-part
 *    children are swapped, and the table inside is left as the operator
 *    has it.
 */
(function () {
  "use strict";

  var MAX_INTERVAL = 30000;
  var MENU = ".btn-group, .dropdown";

  // ------------------------------------------------ 1. the operator's state

  function rowsOf($root) {
    return $root.filter("tr[id]").add($root.find("tr[id]"));
  }

  /* What the operator has open, ticked or focused in the rows of $root,
     by row id (a refreshed row keeps its id). */
  function capture($root) {
    var state = {rows: {}, focus: null};
    rowsOf($root).each(function () {
      var $row = $(this);
      var $menus = $row.find(MENU);
      var open = $menus.index($menus.filter(".open").first());
      var box = $row.find(".table-row-multi-select")[0];
      if (open >= 0 || (box && box.checked)) {
        state.rows[this.id] = {open: open, checked: !!(box && box.checked)};
      }
    });
    var active = document.activeElement;
    var inside = active && $root.filter(function () {
      return this === active || $.contains(this, active);
    }).length;
    if (inside) {
      var $row = $(active).closest("tr[id]");
      state.focus = {
        id: active.id || null,
        row: $row.attr("id") || null,
        toggle: $(active).is(".dropdown-toggle")
      };
    }
    return state;
  }

  function restore(state) {
    $.each(state.rows, function (id, saved) {
      var row = document.getElementById(id);
      if (!row) { return; }  // gone from the table
      var $row = $(row);
      if (saved.open >= 0) {
        var $menu = $row.find(MENU).eq(saved.open);
        // Bootstrap's dropdown keeps its state in these two attributes
        // only; a click elsewhere closes it as any other menu.
        $menu.addClass("open");
        $menu.find(".dropdown-toggle").first().attr("aria-expanded", "true");
      }
      if (saved.checked) {
        $row.find(".table-row-multi-select").prop("checked", true);
      }
    });
    var focus = state.focus;
    if (focus) {
      var target = focus.id ? document.getElementById(focus.id) : null;
      if (!target && focus.toggle && focus.row) {
        target = $(document.getElementById(focus.row))
          .find(".dropdown-toggle")[0];
      }
      if (target && target !== document.activeElement) { target.focus(); }
    }
  }

  /* Horizon's row refresh: each answer's success callback (which replaces
     the row) is wrapped before jQuery binds it, to carry the state of the
     row it replaces.  Requests of anything else pass untouched. */
  function carryAcrossRowRefresh(options, original) {
    var url = original && original.url;
    if (!url || typeof options.success !== "function" ||
        url.indexOf("action=row_update") < 0) {
      return;
    }
    var success = options.success;
    options.success = function () {
      var $rows = $("tr.ajax-update").filter(function () {
        return $(this).attr("data-update-url") === url;
      });
      var state = capture($rows);
      var result = success.apply(this, arguments);
      restore(state);
      return result;
    };
  }

  $.ajaxPrefilter(carryAcrossRowRefresh);

  // -------------------------------------------- 2. self-refreshing parts

  function syncAttributes(el, fresh) {
    var name, i;
    for (i = el.attributes.length - 1; i >= 0; i--) {
      name = el.attributes[i].name;
      if (!fresh.hasAttribute(name)) { el.removeAttribute(name); }
    }
    for (i = 0; i < fresh.attributes.length; i++) {
      el.setAttribute(fresh.attributes[i].name, fresh.attributes[i].value);
    }
  }

  /* The answer applied to el; returns [the element shown now, whether
     anything changed]. */
  function apply(el, $new) {
    var $el = $(el);
    var signature = $el.attr("data-md-refresh-signature");
    if (signature !== undefined &&
        $new.attr("data-md-refresh-signature") === signature) {
      var changed = false;
      $new.find("[data-md-refresh-part]").each(function () {
        var $old = $el.find("[data-md-refresh-part='" +
                            $(this).attr("data-md-refresh-part") + "']");
        if ($old.length && $old.html() !== $(this).html()) {
          $old.replaceWith(this);
          changed = true;
        }
      });
      syncAttributes(el, $new[0]);
      return [el, changed];
    }
    var same = $new.html() === $el.html();
    var state = capture($el);
    keepTableWrappers($el, $new);
    $el.replaceWith($new);
    restore(state);
    setUpTables($new);
    return [$new[0], !same];
  }

  /* Horizon binds the behaviour of a table's row check boxes (ticking a
     row enables the batch buttons, the header box ticks them all) and its
     tooltips once, to each div.table_wrapper, when the page loads
     (horizon.datatables.initialize_checkboxes_behavior, which takes no
     element: run again it would bind a second handler to every wrapper and
     to #modal_wrapper at each swap).  The new block keeps the old wrapper
     elements, their content replaced, so those bindings stay. */
  function keepTableWrappers($el, $new) {
    var $old = $el.find("div.table_wrapper");
    $new.find("div.table_wrapper").each(function (i) {
      var kept = $old[i];
      if (!kept) { return; }
      $(kept).empty().append($(this).contents());
      syncAttributes(kept, this);
      $(this).replaceWith(kept);
    });
  }

  /* The rest of Horizon's table set-up for a new node, as Horizon runs it
     for a modal or a tab loaded later (horizon.datatables.init): the
     header check box, sorting, filters, the footer count, the batch
     buttons disabled while nothing is ticked, the row buttons disabled
     once the form is submitted.  Without it the batch buttons of the new
     table look enabled with nothing ticked. */
  function setUpTables($node) {
    var tables = window.horizon && horizon.datatables;
    if (!tables || !$node.find("table.datatable").length) { return; }
    var $forms = $node.find(".table_wrapper > form");
    tables.add_table_checkboxes($node);
    tables.set_table_sorting($node);
    tables.set_table_query_filter($node);
    tables.set_table_fixed_filter($node);
    $node.find("table.datatable").each(function () {
      tables.update_footer_count($(this), 0);
    });
    tables.validate_button($forms);
    tables.disable_actions_on_submit($forms);
  }

  function poll(el, delay, decay) {
    setTimeout(function () {
      var url = $(el).attr("data-md-refresh-url");
      if (!url || !document.body.contains(el)) { return; }
      $.ajax({url: url, cache: false, dataType: "html"}).done(function (html) {
        var $new = $($.parseHTML($.trim(html))).filter("*").first();
        if (!$new.length) { return; }
        var shown = apply(el, $new);
        start(shown[0], shown[1] ? 1 : decay + 1);
      }).fail(function () {
        // Keep what is shown; try again later (a page of its own says why).
        poll(el, Math.min(delay * 2, MAX_INTERVAL), decay);
      });
    }, delay);
  }

  function start(el, decay) {
    var $el = $(el);
    if (!$el.attr("data-md-refresh-url")) { return; }
    var interval = parseInt($el.attr("data-md-refresh-interval"), 10) || 2500;
    if ($el.is("[data-md-refresh-steady]")) { decay = 1; }
    poll(el, Math.min(interval * (decay || 1), MAX_INTERVAL), decay || 1);
  }

  function startAll(root) {
    $(root || document).find("[data-md-refresh-url]").each(function () {
      if (!this.__mdPolling) {
        this.__mdPolling = true;
        start(this, 1);
      }
    });
  }

  $(function () {
    startAll(document);
  });
})();
