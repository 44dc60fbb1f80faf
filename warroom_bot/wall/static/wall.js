// The war-room wall: poll the board every few seconds and put it in place; say so when it is stale.
// No framework, nothing from a CDN (the screen may sit on a closed network); the server renders.
(function () {
  "use strict";
  var main = document.getElementById("board");
  var stale = document.getElementById("stale");
  var every = Number(main.dataset.every) || 2000;
  var staleAfter = Number(main.dataset.staleAfter) || 15000;
  var lastGood = Date.now();
  var version = null;

  function markStale() {
    stale.hidden = Date.now() - lastGood < staleAfter;
  }

  function poll() {
    fetch(main.dataset.board, { cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 404) {
          throw new Error("gone");  // revoked or closed: keep the last board, marked stale
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        lastGood = Date.now();
        if (data.version !== version) {
          version = data.version;
          main.innerHTML = data.html;  // rendered and escaped by the server's templates
        }
      })
      .catch(function () { /* the service restarts or the network drops: try again */ })
      .then(function () {
        markStale();
        setTimeout(poll, every);
      });
  }

  setTimeout(poll, every);
})();
