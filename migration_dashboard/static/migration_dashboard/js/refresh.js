/* Pages of the migration dashboard that show a state still changing.
 *
 * Parts of a page that are not table rows (a summary, the steps of a
 *    migration) refresh themselves: an element with data-md-refresh-url is
 *    replaced by what that URL answers (the same element, rendered again)
 *    every data-md-refresh-interval ms; the answer carries no
 *    data-md-refresh-url once its state is final, which ends the polling.
 *    Slower after each answer that changed nothing, at most every 30 s,
 *    like Horizon's rows.
 */
(function () {
  "use strict";

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

  $(function () {
      startAll(document);
  });
})();
