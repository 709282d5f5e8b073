// The booking page's only script, served from /static/ so that the page's
// Content-Security-Policy allows no inline script at all. Every page works
// without it; it adds three things:
//   - the visitor's own time zone: a page whose address names no zone was
//     rendered in the calendar's, and is reloaded at once in the browser's
//     (this file runs in <head>, before the body exists, and hides the body
//     until the reload replaces the page, so the wrong times never show);
//   - the browser's full list of zones in the zone selector;
//   - a Book button that sends the form once (a second press would only
//     repeat the same idempotency key, but says nothing useful).
(function () {
  'use strict';
  var root = document.documentElement;
  var browserZone = '';
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch (e) {
    browserZone = '';
  }

  if (root.getAttribute('data-tz-auto') === '1' && browserZone &&
      browserZone !== root.getAttribute('data-tz')) {
    var url = new URL(window.location.href);
    url.searchParams.set('tz', browserZone);
    root.classList.add('tz-reload');
    window.location.replace(url.toString());
    return;
  }

  function completeZones(select) {
    var known = {};
    for (var i = 0; i < select.options.length; i++) {
      known[select.options[i].value] = true;
    }
    var zones = [];
    if (typeof Intl.supportedValuesOf === 'function') {
      try {
        zones = Intl.supportedValuesOf('timeZone').slice();
      } catch (e) {
        zones = [];
      }
    }
    if (browserZone) zones.unshift(browserZone);
    zones.forEach(function (zone) {
      if (known[zone]) return;
      known[zone] = true;
      select.add(new Option(zone, zone));
    });
  }

  function sendOnce(form) {
    var sent = false;
    var button = form.querySelector('button[type=submit]');
    var label = button ? button.textContent : '';
    form.addEventListener('submit', function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      if (button) {
        button.setAttribute('aria-disabled', 'true');
        button.textContent = 'Booking\u2026';
      }
    });
    // Back from the next page (the back/forward cache keeps this one as it
    // was): the form may be sent again.
    window.addEventListener('pageshow', function (event) {
      if (!event.persisted) return;
      sent = false;
      if (button) {
        button.removeAttribute('aria-disabled');
        button.textContent = label;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var select = document.getElementById('tz');
    if (select) completeZones(select);
    var form = document.getElementById('booking');
    if (form) sendOnce(form);
  });
})();
