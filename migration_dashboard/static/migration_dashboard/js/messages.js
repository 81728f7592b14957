/* A message that carries links stays until the operator closes it.
 *
 * Horizon fades success and info alerts after a few seconds
 * (HORIZON_CONFIG auto_fade_alerts, horizon.autoDismissAlert), and with
 * them a link such as "Follow its status" before it can be followed.  The
 * plugin's messages put their links in a span.md-message-links
 * (content/presentation.with_links); such an alert is not faded, every
 * other alert fades as Horizon has it.  horizon.autoDismissAlert is looked
 * up each time an alert is shown (on page load, and by horizon.alert for
 * an AJAX answer's messages), so this wrapper, loaded before Horizon's
 * init runs on DOM ready, sees every one.
 */
(function () {
  "use strict";

  if (!window.horizon || typeof horizon.autoDismissAlert !== "function") {
    return;
  }
  var fade = horizon.autoDismissAlert;
  horizon.autoDismissAlert = function ($alert) {
    if ($($alert).find(".md-message-links a[href]").length) { return; }
    return fade.apply(this, arguments);
  };
})();
