/* Pages of the migration dashboard that show a state still changing.
 *
 * 1. Row menus stay open across a row refresh.  Horizon's
 *    horizon.datatables.update() skips a row whose action menu is open,
 *    but only when it sends the request: a menu opened while the answer
 *    is on its way is closed when the answer replaces the row (2.5 s
 *    apart, which made Force Complete hard to hit).  Here the answer of a
 *    row whose menu is open now is dropped; the row is asked again at the
 *    next poll, and replaced once the menu is closed.
 *
 * 2. Parts of a page that are not table rows (a summary, the steps of a
 *    migration) refresh themselves: an element with data-md-refresh-url is
 *    replaced by what that URL answers (the same element, rendered again)
 *    every data-md-refresh-interval ms; the answer carries no
 *    data-md-refresh-url once its state is final, which ends the polling.
 *    Slower after each answer that changed nothing, at most every 30 s,
 *    like Horizon's rows.
 */
(function () {
  "use strict";

  function menuOpen($row) {
    return $row.find(".btn-group.open, .dropdown.open").length > 0;
  }

  function guardRowUpdates() {
    if (!window.horizon || !horizon.ajax || horizon.ajax.__mdGuarded) {
      return;
    }
    var queue = horizon.ajax.queue;
    horizon.ajax.queue = function (opts) {
      var success = opts && opts.success;
      if (success && opts.url) {
        var url = opts.url;
        opts.success = function () {
          var $row = $("tr.ajax-update").filter(function () {
            return $(this).attr("data-update-url") === url;
          });
          if ($row.length && menuOpen($row)) {
            return;  // the next poll asks again
          }
          return success.apply(this, arguments);
        };
      }
      return queue.call(horizon.ajax, opts);
    };
    horizon.ajax.__mdGuarded = true;
  }

  var MAX_INTERVAL = 30000;

  function poll(el, delay, decay) {
    setTimeout(function () {
      var $el = $(el);
      var url = $el.attr("data-md-refresh-url");
      if (!url || !document.body.contains(el)) { return; }
      $.ajax({url: url, cache: false, dataType: "html"}).done(function (html) {
        var $new = $($.parseHTML($.trim(html))).filter("*").first();
        if (!$new.length) { return; }
        var same = $new.html() === $el.html();
        $el.replaceWith($new);
        start($new[0], same ? decay + 1 : 1);
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

  guardRowUpdates();
  $(function () {
    guardRowUpdates();
    startAll(document);
  });
})();
